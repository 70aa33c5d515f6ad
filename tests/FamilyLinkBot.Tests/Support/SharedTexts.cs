using FamilyLinkBot.Resources;

namespace FamilyLinkBot.Tests;

/// <summary>
/// <c>Texts.Shared</c> for tests only: one loaded set of strings that expected answers are written with. The bot
/// itself has no static instance; it gets <see cref="Texts"/> through its constructors.
/// Declared in the tests' root namespace, so every test file sees it as it would a member of <see cref="Texts"/>.
/// </summary>
public static class SharedTexts
{
    private static readonly Texts Instance = Texts.Load();

    extension(Texts)
    {
        public static Texts Shared => Instance;
    }
}
