using System.Globalization;
using System.Net;
using System.Text;

namespace Dialer.Api.Pages.Shared;

/// <summary>One series of a chart: its name (legend), colour and a value per x position (null: no value there).</summary>
public sealed record ChartSeries(string Key, string Name, string Color, IReadOnlyList<double?> Values);

/// <summary>
/// A chart drawn on the server as SVG (no script): a y axis with round ticks and their labels, an x axis with labels
/// (thinned when crowded), stacked bars, lines, an optional cap line, the values on the bars (or on the first line when
/// there are no bars) and a legend. Every bar and point carries data-series, data-x and data-value (tests read them) and
/// a title (a browser shows it on hover). The legend names the series when there is more than one.
/// </summary>
public sealed class SvgChart
{
    private const double Left = 46;
    private const double Right = 10;
    private const double Top = 16;

    public string Title { get; init; } = "";

    public IReadOnlyList<string> XLabels { get; init; } = [];

    /// <summary>Stacked in order from the axis up.</summary>
    public IReadOnlyList<ChartSeries> Bars { get; init; } = [];

    public IReadOnlyList<ChartSeries> Lines { get; init; } = [];

    /// <summary>Values are ratios shown as percentages (else counts).</summary>
    public bool Percent { get; init; }

    /// <summary>The least top of the scale (the scale grows to the values and the cap).</summary>
    public double MinTop { get; init; }

    public double? Cap { get; init; }

    public string? CapLabel { get; init; }

    public bool ShowValues { get; init; } = true;

    /// <summary>At most this many positions get their value written (more: hover titles only).</summary>
    public int MaxValueLabels { get; init; } = 32;

    public double Width { get; init; } = 720;

    public double Height { get; init; } = 240;

    public string TestId { get; init; } = "chart";

    public string Render()
    {
        var n = XLabels.Count;
        var legend = Bars.Count + Lines.Count > 1; // the cap line is labelled where it is drawn
        var bottom = Height - (legend ? 40 : 22);
        var plotWidth = Width - Left - Right;
        var band = n == 0 ? plotWidth : plotWidth / n;
        var stacks = Enumerable.Range(0, n).Select(i => Bars.Sum(b => b.Values[i] ?? 0)).ToList();
        var data = Math.Max(stacks.DefaultIfEmpty(0).Max(), Lines.SelectMany(l => l.Values).Max() ?? 0);
        // Room above the highest value for its label.
        var highest = new[] { MinTop, Cap ?? 0, ShowValues && n <= MaxValueLabels ? data * 1.15 : data }.Max();
        var (step, top) = Scale(highest, Percent);
        double Y(double v) => bottom - (Math.Clamp(v / top, 0, 1) * (bottom - Top));
        double X(int i) => Left + (band * i) + (band / 2);

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"axischart\" data-testid=\"{Esc(TestId)}\" viewBox=\"0 0 {F(Width)} {F(Height)}\" role=\"img\" aria-label=\"{Esc(Title)}\">");
        svg.Append(CultureInfo.InvariantCulture, $"<title>{Esc(Title)}</title>");

        // y axis: grid lines and tick labels
        for (var t = 0; t * step <= top + (step / 1000); t++)
        {
            var v = t * step;
            svg.Append(CultureInfo.InvariantCulture, $"<line class=\"grid\" x1=\"{F(Left)}\" y1=\"{F(Y(v))}\" x2=\"{F(Width - Right)}\" y2=\"{F(Y(v))}\" />");
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"ytick\" x=\"{F(Left - 4)}\" y=\"{F(Y(v) + 3)}\" text-anchor=\"end\">{Esc(Value(v, step))}</text>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"{F(Left)}\" y1=\"{F(Top)}\" x2=\"{F(Left)}\" y2=\"{F(bottom)}\" />");
        svg.Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"{F(Left)}\" y1=\"{F(bottom)}\" x2=\"{F(Width - Right)}\" y2=\"{F(bottom)}\" />");

        // x axis labels, thinned to fit (about 7 user units per character)
        var widest = XLabels.Select(TextWidth).DefaultIfEmpty(1).Max();
        var every = Math.Max(1, (int)Math.Ceiling(((widest * 6.5) + 6) / band));
        for (var i = 0; i < n; i += every)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"xtick\" x=\"{F(X(i))}\" y=\"{F(bottom + 13)}\" text-anchor=\"middle\">{Esc(XLabels[i])}</text>");
        }

        // stacked bars
        var barWidth = Math.Max(1, band * 0.7);
        for (var i = 0; i < n; i++)
        {
            double below = 0;
            foreach (var bar in Bars)
            {
                if (bar.Values[i] is not { } v || v <= 0)
                {
                    continue;
                }

                var (y0, y1) = (Y(below), Y(below + v));
                svg.Append(CultureInfo.InvariantCulture,
                    $"<rect data-series=\"{Esc(bar.Key)}\" data-x=\"{Esc(XLabels[i])}\" data-value=\"{Raw(v)}\" x=\"{F(X(i) - (barWidth / 2))}\" y=\"{F(y1)}\" width=\"{F(barWidth)}\" height=\"{F(Math.Max(0.5, y0 - y1))}\" fill=\"{Esc(bar.Color)}\"><title>{Esc(XLabels[i])} · {Esc(bar.Name)}: {Esc(Value(v, step, exact: true))}</title></rect>");
                below += v;
            }
        }

        if (Cap is { } cap)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<line class=\"cap\" data-value=\"{Raw(cap)}\" x1=\"{F(Left)}\" y1=\"{F(Y(cap))}\" x2=\"{F(Width - Right)}\" y2=\"{F(Y(cap))}\" />");
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"caplabel\" x=\"{F(Width - Right)}\" y=\"{F(Y(cap) - 3)}\" text-anchor=\"end\">{Esc(CapLabel ?? "")}</text>");
        }

        foreach (var line in Lines)
        {
            foreach (var segment in Segments(line.Values))
            {
                svg.Append(CultureInfo.InvariantCulture,
                    $"<polyline class=\"line\" stroke=\"{Esc(line.Color)}\" points=\"{string.Join(' ', segment.Select(i => $"{F(X(i))},{F(Y(line.Values[i]!.Value))}"))}\" />");
            }

            for (var i = 0; i < n; i++)
            {
                if (line.Values[i] is { } v)
                {
                    svg.Append(CultureInfo.InvariantCulture,
                        $"<circle data-series=\"{Esc(line.Key)}\" data-x=\"{Esc(XLabels[i])}\" data-value=\"{Raw(v)}\" cx=\"{F(X(i))}\" cy=\"{F(Y(v))}\" r=\"2.5\" fill=\"{Esc(line.Color)}\"><title>{Esc(XLabels[i])} · {Esc(line.Name)}: {Esc(Value(v, step, exact: true))}</title></circle>");
                }
            }
        }

        // values: the bar totals, else the first line's points
        if (ShowValues && n <= MaxValueLabels)
        {
            for (var i = 0; i < n; i++)
            {
                double? v = Bars.Count > 0 ? (Bars.Any(b => b.Values[i] is not null) ? stacks[i] : null) : Lines.FirstOrDefault()?.Values[i];
                if (v is { } value && (Bars.Count == 0 || value > 0))
                {
                    var text = Value(value, step, exact: true);
                    // Written upright when it fits its band, else turned to run up from the bar's top.
                    svg.Append(TextWidth(text) * 5.5 <= band
                        ? $"<text class=\"vlabel\" data-x=\"{Esc(XLabels[i])}\" x=\"{F(X(i))}\" y=\"{F(Y(value) - 4)}\" text-anchor=\"middle\">{Esc(text)}</text>"
                        : $"<text class=\"vlabel\" data-x=\"{Esc(XLabels[i])}\" x=\"{F(X(i) + 3)}\" y=\"{F(Y(value) - 3)}\" transform=\"rotate(-90 {F(X(i) + 3)} {F(Y(value) - 3)})\">{Esc(text)}</text>");
                }
            }
        }

        if (legend)
        {
            var x = Left;
            var y = Height - 10;
            foreach (var (name, color, isLine) in Bars.Select(b => (b.Name, b.Color, false)).Concat(Lines.Select(l => (l.Name, l.Color, true))))
            {
                svg.Append(isLine
                    ? $"<line x1=\"{F(x)}\" y1=\"{F(y - 4)}\" x2=\"{F(x + 12)}\" y2=\"{F(y - 4)}\" stroke=\"{Esc(color)}\" stroke-width=\"2\" />"
                    : $"<rect x=\"{F(x)}\" y=\"{F(y - 9)}\" width=\"10\" height=\"10\" fill=\"{Esc(color)}\" />");
                svg.Append(CultureInfo.InvariantCulture, $"<text class=\"legend\" x=\"{F(x + 15)}\" y=\"{F(y)}\">{Esc(name)}</text>");
                x += 24 + (TextWidth(name) * 6.5);
            }
        }

        svg.Append("</svg>");
        return svg.ToString();
    }

    /// <summary>A round step (1, 2 or 5 × 10ⁿ) giving about four intervals, and the top: the first step at or above the highest value.</summary>
    public static (double Step, double Top) Scale(double highest, bool percent)
    {
        var floor = percent ? 0.01 : 1;
        var raw = Math.Max(highest, floor) / 4;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var step = new[] { 1, 2, 5, 10 }.Select(m => m * magnitude).First(s => s >= raw - (raw * 1e-9));
        if (!percent)
        {
            step = Math.Max(1, Math.Round(step));
        }

        var top = Math.Ceiling((highest / step) - 1e-9) * step;
        return (step, Math.Max(top, step));
    }

    /// <summary>A tick label (as round as the step) or a value (percentages to one decimal).</summary>
    private string Value(double v, double step, bool exact = false) =>
        !Percent ? v.ToString("N0", CultureInfo.CurrentCulture) : Fmt.Pct(v, exact || step * 100 < 1 ? 1 : 0);

    private static IEnumerable<List<int>> Segments(IReadOnlyList<double?> values)
    {
        var points = new List<int>();
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i] is not null)
            {
                points.Add(i);
            }
            else if (points.Count > 0)
            {
                yield return points;
                points = [];
            }
        }

        if (points.Count > 0)
        {
            yield return points;
        }
    }

    /// <summary>Roughly how many Latin characters wide the text is (a CJK character counts as two).</summary>
    private static double TextWidth(string text) => text.Sum(c => c > 0x2E80 ? 2.0 : 1.0);

    private static string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

    private static string Raw(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);

    private static string Esc(string text) => WebUtility.HtmlEncode(text);
}
