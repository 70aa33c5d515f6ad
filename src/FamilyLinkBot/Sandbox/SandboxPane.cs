using FamilyLinkBot.Testing;

namespace FamilyLinkBot.Sandbox;

/// <summary>One chat pane of the sandbox page: who types in it (<c>family</c>, <c>caseworker</c> or <c>admin</c>).</summary>
public sealed record SandboxPane(string Id, EmulatedUser User)
{
    public long ChatId => User.ChatId;
}
