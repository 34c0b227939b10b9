using System.Text.Json;
using System.Text.Json.Serialization;
using Dialer.Db.Model;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Dialer.Api.Apis;

/// <summary>
/// Strict reading of a JSON request body for the campaign and reminder contracts: an unknown field, a
/// wrong type or a null where a value is required is answered 400 ValidationProblem naming the field
/// (camelCase JSON path), and then the FluentValidation validator runs. A typo such as "callingWindw"
/// is never silently ignored.
/// </summary>
public sealed class JsonBody(IOptions<JsonOptions> http)
{
    private readonly JsonSerializerOptions strict = new(http.Value.SerializerOptions)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        NumberHandling = JsonNumberHandling.Strict,
        AllowTrailingCommas = false,
        ReadCommentHandling = JsonCommentHandling.Disallow,
    };

    /// <summary>The body as T and valid, or the 400 answer to give.</summary>
    public async Task<(T? Value, ValidationProblem? Problem)> ReadAsync<T>(HttpRequest request, IValidator<T> validator, CancellationToken ct)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            return (null, Problem("body", Texts.Pick("Send the body as JSON with Content-Type: application/json.", "请以 JSON 发送请求体，并设置 Content-Type: application/json。")));
        }

        T? value;
        try
        {
            value = await JsonSerializer.DeserializeAsync<T>(request.Body, strict, ct);
        }
        catch (JsonException e)
        {
            return (null, Problem(Field(e.Path), Describe(e)));
        }

        if (value is null)
        {
            return (null, Problem("body", Texts.Pick("A JSON object is required.", "需要一个 JSON 对象。")));
        }

        var result = await validator.ValidateAsync(value, ct);
        return result.IsValid ? (value, null) : (null, TypedResults.ValidationProblem(result.ToDictionary()));
    }

    private static ValidationProblem Problem(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>"$.callingWindow.end" → "callingWindow.end"; "$.reminders[2].amountDue" stays indexed.</summary>
    public static string Field(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "body";
        }

        var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        return JsonPathValidator<object>.CamelPath(field);
    }

    public static string Describe(JsonException e)
    {
        var message = e.Message;
        if (message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
        {
            return Texts.Pick("Unknown field: it is not part of the contract (check the spelling).", "未知字段：不属于接口约定（请检查拼写）。");
        }

        if (message.Contains("null", StringComparison.OrdinalIgnoreCase) && message.Contains("non-nullable", StringComparison.OrdinalIgnoreCase))
        {
            return Texts.Pick("null is not allowed here; leave the field out to take its default.", "此处不允许 null；省略该字段即取默认值。");
        }

        if (message.Contains("could not be converted", StringComparison.Ordinal))
        {
            return Texts.Pick("The value has the wrong type for this field.", "该字段的值类型不正确。");
        }

        return Texts.Pick($"The body is not well-formed JSON here (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}).", $"请求体在此处不是格式正确的 JSON（第 {e.LineNumber + 1} 行，第 {e.BytePositionInLine + 1} 个字节）。");
    }
}
