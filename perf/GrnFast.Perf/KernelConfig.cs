using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using GrnFast.Kernels;
using GrnFast.Kernels.Blas;

namespace GrnFast.Perf;

/// <summary>Every table says which instruction set and which BLAS ran (DOTNET_Enable* settings pass to the benchmark process).</summary>
public sealed class KernelConfig : ManualConfig
{
    public KernelConfig()
    {
        Add(DefaultConfig.Instance); // loggers, exporters and the usual columns
        AddColumn(new TagColumn("ISA", _ => KernelInfo.InstructionSet));
        AddColumn(new TagColumn("BLAS", _ => BlasResolver.Describe().Split(':')[0]));
    }
}
