using Apache.Arrow;
using Apache.Arrow.Types;

namespace GrnFast.IO.Arrow;

/// <summary>
/// What the schema of an expression stream says: dense (one float32 field per gene, named by the gene, and an optional
/// utf8 field <c>_cell</c>) or CSR (schema metadata <c>grnfast.layout = csr</c> and <c>grnfast.genes</c>, fields
/// <c>indices: list&lt;int32&gt;</c>, <c>data: list&lt;float32&gt;</c> and the optional <c>_cell</c>), and where each
/// field is. Construction validates; every error names the file and the field.
/// </summary>
internal sealed class ArrowExpressionSchema
{
    public const string CellField = "_cell";
    public const string GenesKey = "grnfast.genes";
    public const string LayoutKey = "grnfast.layout";
    public const string DenseLayout = "dense";
    public const string CsrLayout = "csr";
    public const string IndicesField = "indices";
    public const string DataField = "data";

    private ArrowExpressionSchema(Schema schema, bool csr, string[] genes, int[] geneFields, int cellField, int indicesField, int dataField)
    {
        Schema = schema;
        IsCsr = csr;
        Genes = genes;
        GeneFields = geneFields;
        CellFieldIndex = cellField;
        IndicesFieldIndex = indicesField;
        DataFieldIndex = dataField;
        // Field nodes and buffers per record batch: float32 2 buffers, utf8 3, list<T> 2 + its child's 2.
        int cellNodes = cellField >= 0 ? 1 : 0, cellBuffers = cellField >= 0 ? 3 : 0;
        FieldNodes = csr ? 4 + cellNodes : geneFields.Length + cellNodes;
        Buffers = csr ? 8 + cellBuffers : 2 * geneFields.Length + cellBuffers;
    }

    public Schema Schema { get; }
    public bool IsCsr { get; }
    public string[] Genes { get; }

    /// <summary>Dense: the field index of each gene, in gene order.</summary>
    public int[] GeneFields { get; }

    /// <summary>The field index of <c>_cell</c>, or -1.</summary>
    public int CellFieldIndex { get; }

    public int IndicesFieldIndex { get; }
    public int DataFieldIndex { get; }

    /// <summary>Field nodes a record batch of this schema has.</summary>
    public int FieldNodes { get; }

    /// <summary>Buffers a record batch of this schema has.</summary>
    public int Buffers { get; }

    public static ArrowExpressionSchema From(Schema schema, string source)
    {
        string layout = DenseLayout;
        if (schema.HasMetadata && schema.Metadata.TryGetValue(LayoutKey, out var l)) layout = l;
        return layout switch
        {
            DenseLayout => Dense(schema, source),
            CsrLayout => Csr(schema, source),
            _ => throw new InputFormatException(source, null, $"schema metadata {LayoutKey} is '{layout}'; expected '{DenseLayout}' or '{CsrLayout}'"),
        };
    }

    private static ArrowExpressionSchema Dense(Schema schema, string source)
    {
        var genes = new List<string>();
        var fields = new List<int>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        int cell = -1;
        for (int i = 0; i < schema.FieldsList.Count; i++)
        {
            var f = schema.FieldsList[i];
            if (f.Name == CellField)
            {
                if (cell >= 0) throw new InputFormatException(source, null, $"fields {cell + 1} and {i + 1} are both named '{CellField}'", i + 1);
                if (f.DataType.TypeId != ArrowTypeId.String)
                    throw new InputFormatException(source, null, $"field {i + 1} '{CellField}' (cell names) is {Describe(f.DataType)}; it must be utf8", i + 1);
                cell = i;
                continue;
            }
            if (f.DataType.TypeId != ArrowTypeId.Float)
                throw new InputFormatException(source, null, $"field {i + 1} '{f.Name}' is {Describe(f.DataType)}; gene columns must be float32 (one float32 field per gene, plus an optional utf8 field '{CellField}')", i + 1, f.Name);
            if (f.Name.Length == 0) throw new InputFormatException(source, null, $"field {i + 1} has an empty name; gene columns are named by the gene", i + 1);
            if (!seen.TryAdd(f.Name, i))
                throw new InputFormatException(source, null, $"gene '{f.Name}' names fields {seen[f.Name] + 1} and {i + 1}; gene names must be unique", i + 1, f.Name);
            genes.Add(f.Name);
            fields.Add(i);
        }
        if (genes.Count == 0) throw new InputFormatException(source, null, "the schema has no gene columns (float32 fields)");
        return new ArrowExpressionSchema(schema, false, genes.ToArray(), fields.ToArray(), cell, -1, -1);
    }

    private static ArrowExpressionSchema Csr(Schema schema, string source)
    {
        if (!schema.Metadata.TryGetValue(GenesKey, out var names))
            throw new InputFormatException(source, null, $"a CSR stream ({LayoutKey} = {CsrLayout}) needs the gene names in schema metadata '{GenesKey}' (newline-separated)");
        var genes = names.Split('\n');
        if (genes.Length > 0 && genes[^1].Length == 0) genes = genes[..^1];
        if (genes.Length == 0) throw new InputFormatException(source, null, $"schema metadata '{GenesKey}' lists no genes");
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int g = 0; g < genes.Length; g++)
        {
            if (genes[g].Length == 0) throw new InputFormatException(source, null, $"schema metadata '{GenesKey}': gene {g + 1} has an empty name");
            if (!seen.TryAdd(genes[g], g))
                throw new InputFormatException(source, null, $"schema metadata '{GenesKey}': gene '{genes[g]}' is listed at {seen[genes[g]] + 1} and {g + 1}; gene names must be unique", null, genes[g]);
        }
        int indices = -1, data = -1, cell = -1;
        for (int i = 0; i < schema.FieldsList.Count; i++)
        {
            var f = schema.FieldsList[i];
            (int slot, ArrowTypeId? child, string want) = f.Name switch
            {
                IndicesField => (indices, ArrowTypeId.Int32, "list<int32>"),
                DataField => (data, ArrowTypeId.Float, "list<float32>"),
                CellField => (cell, (ArrowTypeId?)null, "utf8"),
                _ => throw new InputFormatException(source, null, $"field {i + 1} '{f.Name}' does not belong in a CSR stream (fields: {IndicesField}: list<int32>, {DataField}: list<float32>, optional {CellField}: utf8)", i + 1),
            };
            if (slot >= 0) throw new InputFormatException(source, null, $"fields {slot + 1} and {i + 1} are both named '{f.Name}'", i + 1);
            bool ok = child is null
                ? f.DataType.TypeId == ArrowTypeId.String
                : f.DataType is ListType list && list.ValueDataType.TypeId == child;
            if (!ok) throw new InputFormatException(source, null, $"field {i + 1} '{f.Name}' is {Describe(f.DataType)}; it must be {want}", i + 1);
            if (f.Name == IndicesField) indices = i; else if (f.Name == DataField) data = i; else cell = i;
        }
        if (indices < 0 || data < 0)
            throw new InputFormatException(source, null, $"a CSR stream needs fields '{IndicesField}' (list<int32>) and '{DataField}' (list<float32>); missing '{(indices < 0 ? IndicesField : DataField)}'");
        return new ArrowExpressionSchema(schema, true, genes, [], cell, indices, data);
    }

    /// <summary>Checks that another part of the same matrix has this schema (fields, types, genes).</summary>
    public void CheckSamePart(ArrowExpressionSchema other, string otherSource, string thisSource)
    {
        var a = Schema.FieldsList;
        var b = other.Schema.FieldsList;
        for (int i = 0; i < Math.Max(a.Count, b.Count); i++)
        {
            string x = i < a.Count ? $"'{a[i].Name}' {Describe(a[i].DataType)}" : "absent";
            string y = i < b.Count ? $"'{b[i].Name}' {Describe(b[i].DataType)}" : "absent";
            if (x != y)
                throw new InputFormatException(otherSource, null, $"its schema differs from that of {thisSource}: field {i + 1} is {y} here, {x} there; all parts of a matrix must have the same schema", i + 1);
        }
        if (IsCsr != other.IsCsr || !Genes.AsSpan().SequenceEqual(other.Genes))
            throw new InputFormatException(otherSource, null, $"its genes ({LayoutKey}/{GenesKey} metadata) differ from those of {thisSource}; all parts of a matrix must have the same schema");
    }

    /// <summary>Arrow's names for the types a user is likely to meet (pyarrow spelling).</summary>
    public static string Describe(IArrowType type) => type switch
    {
        FloatType => "float32",
        DoubleType => "float64",
        HalfFloatType => "float16",
        StringType => "utf8",
        LargeStringType => "large_utf8",
        StringViewType => "string_view",
        ListType l => $"list<{Describe(l.ValueDataType)}>",
        LargeListType l => $"large_list<{Describe(l.ValueDataType)}>",
        DictionaryType d => $"dictionary<{Describe(d.ValueType)}>",
        IntegerType i => $"{(i.IsSigned ? "int" : "uint")}{i.BitWidth}",
        _ => type.Name,
    };
}
