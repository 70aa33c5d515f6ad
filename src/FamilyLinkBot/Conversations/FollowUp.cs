namespace FamilyLinkBot.Conversations;

/// <summary>
/// What a handler hands on to once it returns (<see cref="Turn.Continue"/>): another feature's button action, a
/// command, or the main menu. The target is named by its type, so a renamed or removed handler is a build error
/// instead of a string that silently stops matching; the router runs it in the same turn.
/// </summary>
public abstract record FollowUp
{
    private protected FollowUp()
    {
    }

    /// <summary>The main menu, built from the commands that place themselves in it.</summary>
    public static FollowUp MainMenu { get; } = new MainMenuFollowUp();

    /// <summary>The button action <typeparamref name="TAction"/> with its argument, as if its button had been pressed.</summary>
    public static FollowUp Action<TAction>(string argument)
        where TAction : IMenuAction => new ActionFollowUp(typeof(TAction), argument);

    /// <summary>The command <typeparamref name="TCommand"/>, as if the user had typed it (its role is still checked).</summary>
    public static FollowUp Command<TCommand>(string arguments = "")
        where TCommand : IBotCommand => new CommandFollowUp(typeof(TCommand), arguments);
}

public sealed record ActionFollowUp(Type Handler, string Argument) : FollowUp;

public sealed record CommandFollowUp(Type Handler, string Arguments) : FollowUp;

public sealed record MainMenuFollowUp : FollowUp;

/// <summary>Where a command's button sits in the main menu (row, then column).</summary>
public sealed record MainMenuEntry(int Row, int Column, string LabelKey);
