using BenchmarkDotNet.Running;
using GrnFast.Kernels;
using GrnFast.Kernels.Blas;

namespace GrnFast.Perf;

public static class Program
{
    public static int Main(string[] args)
    {
        if (args is ["arrow-load", .. var rest]) return Arrow.ArrowLoadProbe.Run(rest);
        Console.WriteLine($"instruction set: {KernelInfo.InstructionSet}; BLAS: {BlasResolver.Describe()}");
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, new KernelConfig());
        return 0;
    }
}
