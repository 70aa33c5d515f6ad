namespace FamilyLinkBot.Tests.Support;

/// <summary>The checkout the tests run from, for files that ship beside the code (settings example, rules, page).</summary>
public static class Repository
{
    public static string Root
    {
        get
        {
            for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "FamilyLinkBot.sln")))
                {
                    return folder.FullName;
                }
            }

            throw new InvalidOperationException("FamilyLinkBot.sln not found above the test folder.");
        }
    }
}
