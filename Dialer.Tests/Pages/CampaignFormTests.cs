using Dialer.Api.Pages.Console;
using Dialer.Db.Model;

namespace Dialer.Tests.Pages;

public sealed class CampaignFormTests
{
    private static readonly CampaignDefinition Survey = new()
    {
        Name = "回访",
        Type = "survey",
        Mode = "agentless",
        Message = "您好",
        IvrAnswerSeconds = 12,
        IvrDigitSeconds = 5,
        IvrThankYouWav = "prompts/thanks.wav",
        SurveyQuestions =
        [
            new SurveyQuestion { Id = "q1", Text = "您满意吗？", Kind = "choice", Options = ["满意", "不满意"], Keys = ["9", "8"], Wav = "prompts/q1.wav" },
            new SurveyQuestion { Id = "q2", Text = "打分", Kind = "number", Wav = "prompts/q2.wav" },
        ],
    };

    [Fact]
    public void SavingTheFormKeepsTheIvrSettingsItDoesNotShow()
    {
        var errors = new Dictionary<string, List<string>>();

        var saved = CampaignForm.From(Survey, 1).ToDefinition(errors, Survey);

        Assert.Empty(errors);
        Assert.NotNull(saved);
        Assert.Equal((12, 5, "prompts/thanks.wav"), (saved.IvrAnswerSeconds, saved.IvrDigitSeconds, saved.IvrThankYouWav));
        Assert.Equal(["prompts/q1.wav", "prompts/q2.wav"], saved.SurveyQuestions.Select(q => q.Wav ?? "").ToArray());
        Assert.Equal(["9", "8"], saved.SurveyQuestions[0].Keys!.ToArray());
    }

    [Fact]
    public void KeysAreDroppedWhenTheOptionsChangeButTheRecordingStays()
    {
        var form = CampaignForm.From(Survey, 1);
        form.SurveyQuestions = "q1 | choice | 您满意吗？ | 满意, 一般, 不满意";

        var saved = form.ToDefinition(new Dictionary<string, List<string>>(), Survey)!;

        var q1 = Assert.Single(saved.SurveyQuestions);
        Assert.Null(q1.Keys);
        Assert.Equal("prompts/q1.wav", q1.Wav);
    }

    [Fact]
    public void TheIvrTimeoutsAreShownAndSavedAndANonNumberIsReportedByField()
    {
        var form = CampaignForm.From(Survey, 1);
        Assert.Equal(("12", "5"), (form.IvrAnswerSeconds, form.IvrDigitSeconds));

        form.IvrAnswerSeconds = "20";
        var saved = form.ToDefinition(new Dictionary<string, List<string>>(), Survey)!;
        Assert.Equal((20, 5), (saved.IvrAnswerSeconds, saved.IvrDigitSeconds));

        form.IvrDigitSeconds = "soon";
        var errors = new Dictionary<string, List<string>>();
        Assert.Null(form.ToDefinition(errors, Survey));
        Assert.Contains("ivrDigitSeconds", errors.Keys);
    }

    [Fact]
    public void TheRecordingsAreShownAndAnEmptyOneMeansSpokenText()
    {
        var form = CampaignForm.From(Survey with { MessageWav = "prompts/hello.wav" }, 1);
        Assert.Equal(("prompts/hello.wav", "prompts/thanks.wav", ""), (form.MessageWav, form.IvrThankYouWav, form.IvrNoAgentWav));

        form.IvrThankYouWav = "  ";
        form.IvrNoAgentWav = "prompts/busy.wav";
        var saved = form.ToDefinition(new Dictionary<string, List<string>>(), Survey)!;

        Assert.Equal(("prompts/hello.wav", null, "prompts/busy.wav"), (saved.MessageWav, saved.IvrThankYouWav, saved.IvrNoAgentWav));
    }
}
