// Reads an Arrow IPC stream file with the official JavaScript implementation and prints, as JSON on stdout:
// the schema (field names, types, nullability, metadata), each record batch's length, each field's null count,
// and every column's values concatenated over the batches. Lists become arrays, int64 becomes a decimal string,
// and numbers JSON cannot hold become strings ("NaN", "Infinity", "-Infinity", "-0").
// usage: node read-stream.mjs FILE.arrows
import { readFileSync } from 'node:fs';
import { RecordBatchReader, Vector } from 'apache-arrow';

function plain(v) {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'NaN';
    if (v === Infinity) return 'Infinity';
    if (v === -Infinity) return '-Infinity';
    if (Object.is(v, -0)) return '-0';
    return v;
  }
  if (v instanceof Vector) return Array.from({ length: v.length }, (_, i) => plain(v.get(i)));
  return v;
}

const [file] = process.argv.slice(2);
if (!file) { console.error('usage: node read-stream.mjs FILE.arrows'); process.exit(2); }
const reader = RecordBatchReader.from(readFileSync(file));
reader.open();
if (!reader.isStream()) { console.error(`${file}: not an Arrow IPC stream`); process.exit(1); }
const schema = reader.schema; // the reader forgets it once the stream has been read
const fields = schema.fields;
const columns = Object.fromEntries(fields.map(f => [f.name, []]));
const nullCounts = Object.fromEntries(fields.map(f => [f.name, 0]));
const batchLengths = [];
for (const batch of reader) {
  batchLengths.push(batch.numRows);
  fields.forEach((f, i) => {
    const column = batch.getChildAt(i);
    nullCounts[f.name] += column.nullCount;
    for (let r = 0; r < column.length; r++) columns[f.name].push(plain(column.get(r)));
  });
}
process.stdout.write(JSON.stringify({
  fields: fields.map(f => ({ name: f.name, type: String(f.type), nullable: f.nullable })),
  metadata: Object.fromEntries(schema.metadata),
  batchLengths,
  nullCounts,
  columns,
}));
