using BenchmarkDotNet.Running;
using GrnFast.Kernels;
using GrnFast.Kernels.Blas;

namespace GrnFast.Perf;

public static class Program
{
    public static void Main(string[] args)
    {
        Console.WriteLine($"instruction set: {KernelInfo.InstructionSet}; BLAS: {BlasResolver.Describe()}");
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, new KernelConfig());
    }
}
