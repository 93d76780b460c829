using GrnFast.IO;

namespace GrnFast.IO.Arrow.Tests;

public class AtomicOutputTests
{
    [Fact]
    public void FileFailureLeavesOldContentAndNoTemporary()
    {
        using var dir = new TempDirectory();
        var p = dir.File("out.arrows", "old");
        Assert.Throws<InvalidOperationException>(() => AtomicOutput.WriteFile(p, s =>
        {
            s.Write(new byte[1 << 20]);
            throw new InvalidOperationException("boom");
        }));
        Assert.Equal("old", File.ReadAllText(p));
        Assert.Single(Directory.GetFileSystemEntries(dir.Path));
        AtomicOutput.WriteFile(p, s => s.Write("new"u8));
        Assert.Equal("new", File.ReadAllText(p));
        Assert.Single(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void DirectoryIsWrittenWholeAndReplacesAFileOrDirectory()
    {
        using var dir = new TempDirectory();
        var p = dir.File("out.arrows", "a single file before");
        AtomicOutput.WriteDirectory(p, d => { File.WriteAllText(Path.Combine(d, "part-0.arrows"), "0"); File.WriteAllText(Path.Combine(d, "part-1.arrows"), "1"); });
        Assert.True(Directory.Exists(p));
        Assert.Equal(new[] { "part-0.arrows", "part-1.arrows" }, Directory.GetFiles(p).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        AtomicOutput.WriteDirectory(p, d => File.WriteAllText(Path.Combine(d, "part-0.arrows"), "new"));
        Assert.Equal(new[] { "part-0.arrows" }, Directory.GetFiles(p).Select(Path.GetFileName));
        Assert.Single(Directory.GetFileSystemEntries(dir.Path));
        AtomicOutput.WriteFile(p, s => s.Write("file again"u8));
        Assert.Equal("file again", File.ReadAllText(p));
        Assert.Single(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void DirectoryFailureLeavesTheOldDirectory()
    {
        using var dir = new TempDirectory();
        var p = dir.Combine("out.arrows");
        AtomicOutput.WriteDirectory(p, d => File.WriteAllText(Path.Combine(d, "part-0.arrows"), "old"));
        Assert.Throws<InvalidOperationException>(() => AtomicOutput.WriteDirectory(p, d =>
        {
            File.WriteAllText(Path.Combine(d, "part-0.arrows"), "new");
            throw new InvalidOperationException("boom");
        }));
        Assert.Equal("old", File.ReadAllText(Path.Combine(p, "part-0.arrows")));
        Assert.Single(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void MissingDirectoryIsAClearError()
    {
        using var dir = new TempDirectory();
        var e = Assert.Throws<DirectoryNotFoundException>(() => AtomicOutput.WriteFile(dir.Combine("no/such/out.arrows"), _ => { }));
        Assert.Contains("does not exist", e.Message);
    }
}
