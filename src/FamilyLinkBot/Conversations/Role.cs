namespace FamilyLinkBot.Conversations;

/// <summary>Who may use a command (SPEC §1). Admins come from configuration, caseworkers from invites.</summary>
public enum Role
{
    Anyone,
    Caseworker,
    Admin,
}
