namespace Dialer.Worker.Engine;

internal enum IvrStage
{
    /// <summary>The campaign message plays; only the transfer digit counts.</summary>
    Message,

    /// <summary>A question was asked (or is being asked: keys barge in) and an answer is awaited.</summary>
    Question,

    /// <summary>Message over, no survey: a moment to press the transfer digit before hanging up.</summary>
    Grace,

    /// <summary>The customer asked for an agent; keys no longer count.</summary>
    Transfer,

    /// <summary>A last prompt (thanks, no agent) plays, then the call is hung up.</summary>
    Closing,
}

/// <summary>Where one agentless call is in its message and survey. Touched only on the engine's loop.</summary>
internal sealed class IvrSession(IReadOnlyList<IvrQuestion> questions)
{
    public IReadOnlyList<IvrQuestion> Questions => questions;

    public IvrStage Stage { get; set; } = IvrStage.Message;

    public int Index { get; set; } = -1;

    public IvrQuestion Current => questions[Index];

    /// <summary>How many times the current question was asked (at most twice).</summary>
    public int Asked { get; set; }

    /// <summary>Digits of a number being entered.</summary>
    public string Digits { get; set; } = "";

    /// <summary>The prompt playing; the end of an older one is ignored.</summary>
    public int PromptToken { get; set; }

    /// <summary>The timer that counts; an older one that fires anyway is ignored.</summary>
    public int TimerToken { get; set; }

    public IDisposable? Timer { get; set; }

    /// <summary>Answering-machine detection said machine after the answer: the message only.</summary>
    public bool MessageOnly { get; set; }

    /// <summary>No agent took the transfer: the contact becomes a callback open to anyone.</summary>
    public bool CallbackPromised { get; set; }

    /// <summary>Answers by question id, in the order asked.</summary>
    public Dictionary<string, string> Answers { get; } = [];
}
