using System.Text.Encodings.Web;
using System.Text.Json;
using Dialer.Db.Model;
using Dialer.Worker.Telephony;

namespace Dialer.Worker.Engine;

/// <summary>
/// Agentless calls: the message, then the survey questions answered with keypresses, and the transfer digit
/// ("press 0 for an agent") that hands the caller to a ready agent of the campaign like a predictive call.
/// Only ICallLeg.Play and DTMF are used, so the same code runs on the simulated carrier and on SIP.
/// </summary>
public sealed partial class CampaignEngine
{
    /// <summary>After a message with no survey, how long the transfer digit may still be pressed.</summary>
    public static readonly TimeSpan IvrTransferGrace = TimeSpan.FromSeconds(3);

    private const int IvrMaxAsks = 2;

    private static readonly JsonSerializerOptions SurveyJsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private IReadOnlyList<IvrQuestion>? ivrQuestions;

    private IReadOnlyList<IvrQuestion> IvrQuestions => ivrQuestions ??= IvrScript.Questions(campaign.Definition);

    private char? TransferDigit => campaign.Definition.TransferDigit is { Length: 1 } d ? d[0] : null;

    /// <summary>How long after a question has been asked an answer is awaited before asking again or moving on (ivrAnswerSeconds).</summary>
    private TimeSpan IvrAnswerTimeout => TimeSpan.FromSeconds(campaign.Definition.IvrAnswerSeconds);

    /// <summary>A number ends with # or this long after its last digit (ivrDigitSeconds).</summary>
    private TimeSpan IvrDigitTimeout => TimeSpan.FromSeconds(campaign.Definition.IvrDigitSeconds);

    /// <summary>A live agentless answer: a callback the customer asked for goes to a ready agent, else the IVR runs.</summary>
    private void AnswerAgentless(ActiveCall call)
    {
        if (TransferDigit is not null && call.Contact.State == ContactState.Callback && LongestReady() is { } agent)
        {
            call.Note = "ivr_callback";
            Connect(call, agent);
            return;
        }

        StartIvr(call);
    }

    private void StartIvr(ActiveCall call)
    {
        call.Outcome = CallOutcome.Connected;
        call.Phase = CallPhase.Message;
        var ivr = new IvrSession(IvrQuestions);
        call.Ivr = ivr;
        IvrPlay(call, MessagePrompt(), () => IvrMessageDone(call));
    }

    private void IvrMessageDone(ActiveCall call)
    {
        var ivr = call.Ivr!;
        if (!ivr.MessageOnly && ivr.Questions.Count > 0)
        {
            NextQuestion(call);
        }
        else if (!ivr.MessageOnly && TransferDigit is not null)
        {
            ivr.Stage = IvrStage.Grace;
            IvrTimer(call, IvrTransferGrace, () => call.Leg?.Hangup());
        }
        else
        {
            call.Leg?.Hangup();
        }
    }

    private void NextQuestion(ActiveCall call)
    {
        var ivr = call.Ivr!;
        ivr.Index++;
        ivr.Asked = 0;
        if (ivr.Index >= ivr.Questions.Count)
        {
            ivr.Stage = IvrStage.Closing;
            IvrPlay(call, new Prompt(Recording(campaign.Definition.IvrThankYouWav), IvrScript.ThankYou(campaign.Definition)), () => call.Leg?.Hangup());
            return;
        }

        Ask(call, invalidBefore: false);
    }

    /// <summary>
    /// Asks the current question: its recording or its text, after "that key is not valid" when
    /// <paramref name="invalidBefore"/>. A repeat the customer asked for (<paramref name="counts"/> false) is not one of the two asks.
    /// </summary>
    private void Ask(ActiveCall call, bool invalidBefore, bool counts = true)
    {
        var ivr = call.Ivr!;
        var question = ivr.Current;
        if (counts)
        {
            ivr.Asked++;
        }

        ivr.Stage = IvrStage.Question;
        ivr.Digits = "";
        var definition = campaign.Definition;
        var invalid = IvrScript.Invalid(definition);
        var invalidWav = Recording(definition.IvrInvalidKeyWav);
        var questionWav = Recording(question.Wav);

        void AskNow(Prompt prompt) => IvrPlay(call, prompt with { AnswerKeys = question.AnswerKeys }, () =>
        {
            // Keys pressed during the prompt count; a number being entered has its own timer.
            if (ivr.Digits.Length == 0)
            {
                IvrTimer(call, IvrAnswerTimeout, () => Unanswered(call, invalid: false));
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
            IvrPlay(call, new Prompt(invalidWav, invalid), () => AskNow(new Prompt(questionWav, question.Text)));
        }
    }

    /// <summary>A recording's path, or null when none is set (the prompt's text is spoken).</summary>
    private static string? Recording(string? wav) => string.IsNullOrWhiteSpace(wav) ? null : wav;

    /// <summary>No answer in time, or a key that answers nothing: ask once more, then skip the question.</summary>
    private void Unanswered(ActiveCall call, bool invalid)
    {
        var ivr = call.Ivr!;
        if (ivr.Asked < IvrMaxAsks)
        {
            Ask(call, invalidBefore: invalid);
        }
        else
        {
            NextQuestion(call);
        }
    }

    private void Answer(ActiveCall call, string value)
    {
        var ivr = call.Ivr!;
        ivr.Answers[ivr.Current.Id] = value;
        call.SurveyJson = JsonSerializer.Serialize(ivr.Answers, SurveyJsonOptions);
        NextQuestion(call);
    }

    internal void OnDtmf(ActiveCall call, char digit)
    {
        if (call.Ivr is not { } ivr || call.Phase != CallPhase.Message || ivr.MessageOnly)
        {
            return;
        }

        var transfer = TransferDigit;
        switch (ivr.Stage)
        {
            case IvrStage.Message or IvrStage.Grace:
                if (digit == transfer)
                {
                    TransferToAgent(call);
                }

                break;
            case IvrStage.Question when digit == IvrQuestion.RepeatKey && digit != transfer && ivr.Current.Repeatable:
                // * asks the question again: not an invalid key, and not one of the two asks.
                IvrStopTimer(ivr);
                Ask(call, invalidBefore: false, counts: false);
                break;
            case IvrStage.Question when ivr.Current.IsNumber:
                if (digit == transfer && ivr.Digits.Length == 0)
                {
                    TransferToAgent(call);
                }
                else if (digit is >= '0' and <= '9')
                {
                    ivr.Digits += digit;
                    IvrTimer(call, IvrDigitTimeout, () => Answer(call, ivr.Digits));
                }
                else if (digit == '#' && ivr.Digits.Length > 0)
                {
                    Answer(call, ivr.Digits);
                }
                else
                {
                    Unanswered(call, invalid: true);
                }

                break;
            case IvrStage.Question:
                if (ivr.Current.Choices.TryGetValue(digit, out var option))
                {
                    Answer(call, option);
                }
                else if (digit == transfer)
                {
                    TransferToAgent(call);
                }
                else
                {
                    Unanswered(call, invalid: true);
                }

                break;
        }
    }

    /// <summary>The transfer digit: the longest-ready agent takes the call now, else it waits up to 2 s like a predictive call.</summary>
    private void TransferToAgent(ActiveCall call)
    {
        var ivr = call.Ivr!;
        ivr.Stage = IvrStage.Transfer;
        ivr.PromptToken++;
        IvrStopTimer(ivr);
        call.Leg?.StopPlayback();
        call.Note = "ivr_transfer";
        if (LongestReady() is { } agent)
        {
            Connect(call, agent);
            return;
        }

        call.Phase = CallPhase.WaitingForAgent;
        waiting.AddLast(call);
        call.AbandonTimer = loop.After(AbandonAfter, () => Abandon(call));
    }

    /// <summary>No agent took the transfer within 2 s: say so, hang up, and call back with an agent (callback open to anyone).</summary>
    private void TransferFailed(ActiveCall call)
    {
        var ivr = call.Ivr!;
        call.Phase = CallPhase.Message;
        call.Note = "ivr_transfer_no_agent";
        ivr.Stage = IvrStage.Closing;
        ivr.CallbackPromised = true;
        IvrPlay(call, new Prompt(Recording(campaign.Definition.IvrNoAgentWav), IvrScript.NoAgent(campaign.Definition)), () => call.Leg?.Hangup());
    }

    /// <summary>Detection said machine after the answer: it hears the message (if still playing) and no survey.</summary>
    private void IvrMachine(ActiveCall call)
    {
        var ivr = call.Ivr!;
        call.Machine = true;
        call.Outcome = CallOutcome.Machine;
        ivr.MessageOnly = true;
        if (ivr.Stage is IvrStage.Question or IvrStage.Grace)
        {
            IvrStopTimer(ivr);
            ivr.PromptToken++;
            call.Leg?.Hangup();
        }
    }

    /// <summary>The contact's next state: a callback open to anyone when one was promised, else the retry rules.</summary>
    private ContactUpdate ContactAfter(ActiveCall call, CallOutcome outcome, DateTimeOffset now)
    {
        if (call.Ivr is not { CallbackPromised: true })
        {
            return Compliance.RetryRules.After(campaign, call.Contact, outcome, now);
        }

        var at = now.AddMinutes(Math.Max(1, campaign.Definition.MinGapMinutes));
        return new ContactUpdate(ContactState.Callback, at, "ivr_transfer_no_agent", outcome.ToDb(), CallbackAt: at);
    }

    /// <summary>Plays a prompt of the IVR; <paramref name="done"/> runs when it ends (or after a fallback), unless something else happened since.</summary>
    private void IvrPlay(ActiveCall call, Prompt prompt, Action done)
    {
        var ivr = call.Ivr!;
        var token = ++ivr.PromptToken;
        var leg = call.Leg;
        if (leg is null)
        {
            return;
        }

        void Done()
        {
            if (ivr.PromptToken == token && call.Phase == CallPhase.Message)
            {
                done();
            }
        }

        // The carrier may never say the prompt ended: go on after a while all the same.
        IvrTimer(call, MessageFallback, Done);
        leg.Play(prompt, () => loop.Post(Done));
    }

    private void IvrTimer(ActiveCall call, TimeSpan after, Action action)
    {
        var ivr = call.Ivr!;
        IvrStopTimer(ivr);
        var token = ivr.TimerToken;
        ivr.Timer = loop.After(after, () =>
        {
            if (ivr.TimerToken == token && call.Phase == CallPhase.Message)
            {
                action();
            }
        });
    }

    private static void IvrStopTimer(IvrSession ivr)
    {
        ivr.TimerToken++;
        ivr.Timer?.Dispose();
        ivr.Timer = null;
    }
}
