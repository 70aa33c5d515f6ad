namespace FamilyLinkBot.Tests;

public sealed class SkeletonTests
{
    [Fact]
    public void ProgramBuilds() => Assert.Equal(0, Program.Main());
}
