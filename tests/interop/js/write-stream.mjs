// Writes an Arrow IPC stream file with the official JavaScript implementation from a JSON description:
//   {"fields": [{"name": "A", "type": "float32", "nullable": false}, ...],
//    "metadata": {"key": "value"},
//    "batches": [{"A": [1, 2], ...}, ...]}
// Types: float32, float64, int32, utf8, list<int32>, list<float32>. A batch gives every field's values
// (null for a null value, arrays for lists).
// usage: node write-stream.mjs DESCRIPTION.json OUT.arrows
import { readFileSync, writeFileSync } from 'node:fs';
import {
  Field, Float32, Float64, Int32, List, RecordBatch, RecordBatchStreamWriter, Schema, Struct, Utf8,
  makeData, vectorFromArray,
} from 'apache-arrow';

function arrowType(name) {
  switch (name) {
    case 'float32': return new Float32();
    case 'float64': return new Float64();
    case 'int32': return new Int32();
    case 'utf8': return new Utf8();
    case 'list<int32>': return new List(new Field('item', new Int32(), true));
    case 'list<float32>': return new List(new Field('item', new Float32(), true));
    default: throw new Error(`unknown type ${name}`);
  }
}

const [descFile, out] = process.argv.slice(2);
if (!descFile || !out) { console.error('usage: node write-stream.mjs DESCRIPTION.json OUT.arrows'); process.exit(2); }
const desc = JSON.parse(readFileSync(descFile, 'utf8'));
const fields = desc.fields.map(f => new Field(f.name, arrowType(f.type), f.nullable ?? false));
const schema = new Schema(fields, new Map(Object.entries(desc.metadata ?? {})));
const writer = new RecordBatchStreamWriter();
writer.reset(undefined, schema);
for (const b of desc.batches) {
  const children = fields.map(f => {
    const data = vectorFromArray(b[f.name], f.type).data;
    if (data.length !== 1) throw new Error(`field ${f.name}: ${data.length} chunks`);
    return data[0];
  });
  const length = children.length ? children[0].length : 0;
  writer.write(new RecordBatch(schema, makeData({ type: new Struct(fields), length, nullCount: 0, children })));
}
writer.finish();
writeFileSync(out, writer.toUint8Array(true));
