using System.Text.Encodings.Web;
using System.Text.Json;
using Dialer.Db.Model;
using Dialer.Worker.Telephony;

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

/// <summary>
/// One agentless call's IVR: the message, then the survey questions answered with keypresses, and the transfer
/// digit ("press 0 for an agent") that hands the caller to the engine, which connects it to a ready agent like a
/// predictive call. Holds the call's own IVR state (stage, question, digits, answers, timer). Only ICallLeg.Play
/// and DTMF are used, so the same code runs on the simulated carrier and on SIP. Touched only on the engine's loop.
/// </summary>
internal sealed class IvrCall(CampaignEngine engine, IEngineScheduler loop, ActiveCall call, IReadOnlyList<IvrQuestion> questions)
{
    /// <summary>After a message with no survey, how long the transfer digit may still be pressed.</summary>
    public static readonly TimeSpan TransferGrace = TimeSpan.FromSeconds(3);

    private const int MaxAsks = 2;

    /// <summary>The carrier may never say a prompt ended: the IVR goes on after this long all the same.</summary>
    private static readonly TimeSpan PromptFallback = TimeSpan.FromSeconds(30);

    private static readonly JsonSerializerOptions SurveyJsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private int index = -1;

    /// <summary>How many times the current question was asked (at most twice).</summary>
    private int asked;

    /// <summary>Digits of a number being entered.</summary>
    private string digits = "";

    /// <summary>The prompt playing; the end of an older one is ignored.</summary>
    private int promptToken;

    /// <summary>The timer that counts; an older one that fires anyway is ignored.</summary>
    private int timerToken;

    private IDisposable? timer;

    public IvrStage Stage { get; private set; } = IvrStage.Message;

    /// <summary>Answering-machine detection said machine after the answer: the message only.</summary>
    public bool MessageOnly { get; private set; }

    /// <summary>No agent took the transfer: the contact becomes a callback open to anyone.</summary>
    public bool CallbackPromised { get; private set; }

    /// <summary>Answers by question id, in the order asked.</summary>
    public Dictionary<string, string> Answers { get; } = [];

    private IvrQuestion Current => questions[index];

    private CampaignDefinition Definition => engine.Campaign.Definition;

    private char? TransferDigit => Definition.TransferDigit is { Length: 1 } d ? d[0] : null;

    /// <summary>How long after a question has been asked an answer is awaited before asking again or moving on (ivrAnswerSeconds).</summary>
    private TimeSpan AnswerTimeout => TimeSpan.FromSeconds(Definition.IvrAnswerSeconds);

    /// <summary>A number ends with # or this long after its last digit (ivrDigitSeconds).</summary>
    private TimeSpan DigitTimeout => TimeSpan.FromSeconds(Definition.IvrDigitSeconds);

    /// <summary>The live answer: the campaign's message plays, then the survey.</summary>
    public void Start(Prompt message) => Play(message, MessageDone);

    /// <summary>The call ended: its timer no longer counts.</summary>
    public void End() => timer?.Dispose();

    /// <summary>The call leaves the IVR (a machine to leave the campaign's machine message on): its prompt stops, nothing of it goes on.</summary>
    public void Leave()
    {
        StopTimer();
        promptToken++;
        MessageOnly = true;
        call.Leg?.StopPlayback();
    }

    public void OnDtmf(char digit)
    {
        if (call.Phase != CallPhase.Message || MessageOnly)
        {
            return;
        }

        var transfer = TransferDigit;
        switch (Stage)
        {
            case IvrStage.Message or IvrStage.Grace:
                if (digit == transfer)
                {
                    TransferToAgent();
                }

                break;
            case IvrStage.Question when digit == IvrQuestion.RepeatKey && digit != transfer && Current.Repeatable:
                // * asks the question again: not an invalid key, and not one of the two asks.
                StopTimer();
                Ask(invalidBefore: false, counts: false);
                break;
            case IvrStage.Question when Current.IsNumber:
                if (digit == transfer && digits.Length == 0)
                {
                    TransferToAgent();
                }
                else if (digit is >= '0' and <= '9')
                {
                    digits += digit;
                    Timer(DigitTimeout, () => Answer(digits));
                }
                else if (digit == '#' && digits.Length > 0)
                {
                    Answer(digits);
                }
                else
                {
                    Unanswered(invalid: true);
                }

                break;
            case IvrStage.Question:
                if (Current.Choices.TryGetValue(digit, out var option))
                {
                    Answer(option);
                }
                else if (digit == transfer)
                {
                    TransferToAgent();
                }
                else
                {
                    Unanswered(invalid: true);
                }

                break;
        }
    }

    /// <summary>No agent took the transfer within 2 s: say so, hang up, and call back with an agent (callback open to anyone).</summary>
    public void TransferFailed()
    {
        call.Phase = CallPhase.Message;
        call.Note = "ivr_transfer_no_agent";
        Stage = IvrStage.Closing;
        CallbackPromised = true;
        Play(new Prompt(Recording(Definition.IvrNoAgentWav), IvrScript.NoAgent(Definition)), () => call.Leg?.Hangup());
    }

    /// <summary>Detection said machine after the answer: it hears the message (if still playing) and no survey.</summary>
    public void OnMachine()
    {
        call.Machine = true;
        call.Outcome = CallOutcome.Machine;
        MessageOnly = true;
        if (Stage is IvrStage.Question or IvrStage.Grace)
        {
            StopTimer();
            promptToken++;
            call.Leg?.Hangup();
        }
    }

    private void MessageDone()
    {
        if (!MessageOnly && questions.Count > 0)
        {
            NextQuestion();
        }
        else if (!MessageOnly && TransferDigit is not null)
        {
            Stage = IvrStage.Grace;
            Timer(TransferGrace, () => call.Leg?.Hangup());
        }
        else
        {
            call.Leg?.Hangup();
        }
    }

    private void NextQuestion()
    {
        index++;
        asked = 0;
        if (index >= questions.Count)
        {
            Stage = IvrStage.Closing;
            Play(new Prompt(Recording(Definition.IvrThankYouWav), IvrScript.ThankYou(Definition)), () => call.Leg?.Hangup());
            return;
        }

        Ask(invalidBefore: false);
    }

    /// <summary>
    /// Asks the current question: its recording or its text, after "that key is not valid" when
    /// <paramref name="invalidBefore"/>. A repeat the customer asked for (<paramref name="counts"/> false) is not one of the two asks.
    /// </summary>
    private void Ask(bool invalidBefore, bool counts = true)
    {
        var question = Current;
        if (counts)
        {
            asked++;
        }

        Stage = IvrStage.Question;
        digits = "";
        var definition = Definition;
        var invalid = IvrScript.Invalid(definition);
        var invalidWav = Recording(definition.IvrInvalidKeyWav);
        var questionWav = Recording(question.Wav);

        void AskNow(Prompt prompt) => Play(prompt with { AnswerKeys = question.AnswerKeys }, () =>
        {
            // Keys pressed during the prompt count; a number being entered has its own timer.
            if (digits.Length == 0)
            {
                Timer(AnswerTimeout, () => Unanswered(invalid: false));
            }
        });

        if (!invalidBefore)
        {
            AskNow(new Prompt(questionWav, question.Text));
        }
        else if (questionWav is null && invalidWav is null)
        {
            // All text: one prompt, spoken in one go.
            AskNow(new Prompt(null, $"{invalid} {question.Text}"));
        }
        else
        {
            // A recording on either side: two prompts; keys pressed during the first already answer.
            Play(new Prompt(invalidWav, invalid), () => AskNow(new Prompt(questionWav, question.Text)));
        }
    }

    /// <summary>A recording's path, or null when none is set (the prompt's text is spoken).</summary>
    private static string? Recording(string? wav) => string.IsNullOrWhiteSpace(wav) ? null : wav;

    /// <summary>No answer in time, or a key that answers nothing: ask once more, then skip the question.</summary>
    private void Unanswered(bool invalid)
    {
        if (asked < MaxAsks)
        {
            Ask(invalidBefore: invalid);
        }
        else
        {
            NextQuestion();
        }
    }

    private void Answer(string value)
    {
        Answers[Current.Id] = value;
        call.SurveyJson = JsonSerializer.Serialize(Answers, SurveyJsonOptions);
        NextQuestion();
    }

    /// <summary>The transfer digit: the engine gives the call to the longest-ready agent, else it waits up to 2 s like a predictive call.</summary>
    private void TransferToAgent()
    {
        Stage = IvrStage.Transfer;
        promptToken++;
        StopTimer();
        call.Leg?.StopPlayback();
        call.Note = "ivr_transfer";
        engine.TakeTransfer(call);
    }

    /// <summary>Plays a prompt; <paramref name="done"/> runs when it ends (or after a fallback), unless something else happened since.</summary>
    private void Play(Prompt prompt, Action done)
    {
        var token = ++promptToken;
        var leg = call.Leg;
        if (leg is null)
        {
            return;
        }

        void Done()
        {
            if (promptToken == token && call.Phase == CallPhase.Message)
            {
                done();
            }
        }

        // The carrier may never say the prompt ended: go on after a while all the same.
        Timer(PromptFallback, Done);
        leg.Play(prompt, () => loop.Post(Done));
    }

    private void Timer(TimeSpan after, Action action)
    {
        StopTimer();
        var token = timerToken;
        timer = loop.After(after, () =>
        {
            if (timerToken == token && call.Phase == CallPhase.Message)
            {
                action();
            }
        });
    }

    private void StopTimer()
    {
        timerToken++;
        timer?.Dispose();
        timer = null;
    }
}
