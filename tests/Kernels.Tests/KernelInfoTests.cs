using Xunit.Abstractions;

namespace GrnFast.Kernels.Tests;

public class KernelInfoTests(ITestOutputHelper output)
{
    [Fact]
    public void InstructionSetIsOneOfTheDocumentedNames()
    {
        output.WriteLine($"instruction set: {KernelInfo.InstructionSet}, double lanes: {KernelInfo.DoubleLanes}");
        Assert.Contains(KernelInfo.InstructionSet, new[] { "AVX-512F", "AVX2+FMA", "SSE4.2", "Vector128", "scalar" });
    }
}
