using System.Reflection;
using System.Runtime.InteropServices;
using GrnFast.Kernels;
using GrnFast.Kernels.Blas;

namespace GrnFast.Host.Info;

/// <summary><c>grnfast info</c>: what this build will run with on this machine.</summary>
internal static class InfoCommand
{
    public static int Run(TextWriter stdout)
    {
        stdout.WriteLine($"grnfast {Version}");
        stdout.WriteLine($"infer blas:      {BlasReport.InferDescription}");
        stdout.WriteLine($"native blas:     {BlasReport.NativeDescription}");
        stdout.WriteLine($"instruction set: {KernelInfo.InstructionSet}");
        stdout.WriteLine($"threads:         {Environment.ProcessorCount} (--threads 0)");
        stdout.WriteLine($"runtime:         {RuntimeInformation.FrameworkDescription} on {RuntimeInformation.OSDescription} {RuntimeInformation.ProcessArchitecture}");
        stdout.WriteLine("environment:");
        foreach (var name in new[] { BlasResolver.EnvironmentVariable, Infer.ElasticNetWarmup.EnvironmentVariable, "DOTNET_EnableAVX512", "DOTNET_EnableAVX2", "DOTNET_EnableHWIntrinsic" })
            stdout.WriteLine($"  {name,-26}{Environment.GetEnvironmentVariable(name) ?? "(unset)"}");
        // OpenBLAS's idle workers spin for 2^n cycles after a call; GrnFast loads it with n = 4 unless this is set.
        stdout.WriteLine($"  {"OPENBLAS_THREAD_TIMEOUT",-26}{Environment.GetEnvironmentVariable("OPENBLAS_THREAD_TIMEOUT") ?? "(unset: GrnFast sets 4 before loading OpenBLAS)"}");
        return 0;
    }

    public static string Version
    {
        get
        {
            var v = typeof(InfoCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
            int plus = v.IndexOf('+');
            return plus > 0 && v.Length > plus + 8 ? v[..(plus + 8)] : v;
        }
    }
}
