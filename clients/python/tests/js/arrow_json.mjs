// Converts between Arrow IPC streams and a JSON description of them, with the official Apache Arrow JS
// implementation, so the Python tests can check their codec against it:
//   node arrow_json.mjs read  IN.arrows OUT.json   the stream's schema, metadata and batches as JSON
//   node arrow_json.mjs write IN.json   OUT.arrows a stream written by apache-arrow from the JSON
// JSON: {"schema": {"fields": [{"name", "type", "nullable", "metadata"}], "metadata": {}},
//        "batches": [{"length": N, "columns": {"name": [values]}}]}
// Types are named as in the Python client: int8..uint64, float16..float64, utf8, list<T>. Numbers are
// strings (exact for int64 and for every float: "NaN", "Infinity", "-0"), nulls are null.
import { readFileSync, writeFileSync } from 'node:fs';
import {
  Field, Float16, Float32, Float64, Int8, Int16, Int32, Int64, List, Precision, RecordBatch,
  RecordBatchReader, RecordBatchStreamWriter, Schema, Struct, Type, Uint8, Uint16, Uint32, Uint64, Utf8,
  makeData, vectorFromArray,
} from 'apache-arrow';

const INT_TYPES = {
  int8: Int8, int16: Int16, int32: Int32, int64: Int64, uint8: Uint8, uint16: Uint16, uint32: Uint32,
  uint64: Uint64,
};
const FLOAT_TYPES = { float16: Float16, float32: Float32, float64: Float64 };

function arrowType(name) {
  if (name === 'utf8') return new Utf8();
  if (name.startsWith('list<')) return new List(new Field('item', arrowType(name.slice(5, -1)), true));
  if (INT_TYPES[name]) return new INT_TYPES[name]();
  if (FLOAT_TYPES[name]) return new FLOAT_TYPES[name]();
  throw new Error(`unknown type ${name}`);
}

function typeName(type) {
  switch (type.typeId) {
    case Type.Int: return `${type.isSigned ? '' : 'u'}int${type.bitWidth}`;
    case Type.Float:
      return { [Precision.HALF]: 'float16', [Precision.SINGLE]: 'float32', [Precision.DOUBLE]: 'float64' }[type.precision];
    case Type.Utf8: case Type.LargeUtf8: return 'utf8';
    case Type.List: case Type.LargeList: return `list<${typeName(type.children[0].type)}>`;
    default: throw new Error(`unsupported type ${type}`);
  }
}

const numberText = (x) => (Object.is(x, -0) ? '-0' : String(x));

function encodeValue(value, name) {
  if (value === null || value === undefined) return null;
  if (name === 'utf8') return value;
  if (name.startsWith('list<')) return [...value].map((v) => encodeValue(v, name.slice(5, -1)));
  return numberText(value);
}

function decodeValue(text, name) {
  if (text === null) return null;
  if (name === 'utf8') return text;
  if (name.startsWith('list<')) return text.map((v) => decodeValue(v, name.slice(5, -1)));
  if (name === 'int64' || name === 'uint64') return BigInt(text);
  return Number(text);
}

const metadataObject = (map) => Object.fromEntries(map ? [...map] : []);
const metadataMap = (obj) => new Map(Object.entries(obj ?? {}));

function read(inPath, outPath) {
  const reader = RecordBatchReader.from(readFileSync(inPath));
  reader.open();
  const schema = reader.schema; // the reader forgets it once its batches are read
  const fields = schema.fields.map((f) => ({
    name: f.name, type: typeName(f.type), nullable: f.nullable, metadata: metadataObject(f.metadata),
  }));
  const batches = [];
  for (const batch of reader) {
    // A stream without batches reads as one stand-in batch the library makes up; it is not in the stream.
    if (batch.constructor.name === '_InternalEmptyPlaceholderRecordBatch') continue;
    const columns = {};
    fields.forEach((f, i) => {
      const vector = batch.getChildAt(i);
      const values = [];
      for (let row = 0; row < batch.numRows; row++) values.push(encodeValue(vector.get(row), f.type));
      columns[f.name] = values;
    });
    batches.push({ length: batch.numRows, columns });
  }
  writeFileSync(outPath, JSON.stringify({ schema: { fields, metadata: metadataObject(schema.metadata) }, batches }));
}

function write(inPath, outPath) {
  const spec = JSON.parse(readFileSync(inPath, 'utf8'));
  const fields = spec.schema.fields.map(
    (f) => new Field(f.name, arrowType(f.type), f.nullable ?? true, metadataMap(f.metadata)));
  const schema = new Schema(fields, metadataMap(spec.schema.metadata));
  const writer = new RecordBatchStreamWriter();
  writer.reset(undefined, schema);
  for (const batch of spec.batches) {
    const children = spec.schema.fields.map((f, i) => {
      const vector = vectorFromArray(batch.columns[f.name].map((v) => decodeValue(v, f.type)), fields[i].type);
      if (vector.data.length !== 1) throw new Error(`column ${f.name} built in ${vector.data.length} chunks`);
      return vector.data[0];
    });
    const data = makeData({ type: new Struct(fields), length: batch.length, nullCount: 0, children });
    writer.write(new RecordBatch(schema, data));
  }
  writer.finish();
  writeFileSync(outPath, writer.toUint8Array(true));
}

const [command, inPath, outPath] = process.argv.slice(2);
if (command === 'read') read(inPath, outPath);
else if (command === 'write') write(inPath, outPath);
else {
  console.error('usage: node arrow_json.mjs read|write IN OUT');
  process.exit(2);
}
