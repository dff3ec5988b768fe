using InfraAdmin.Authorization;
using InfraAdmin.Data;

namespace InfraAdmin.Infrastructure;

/// <summary>The one mapping of the shared refusals (<see cref="OperationException"/>, <see cref="PermissionDeniedException"/>) to HTTP, for endpoints.</summary>
public static class OperationProblems
{
    public static int StatusFor(Exception refusal) => refusal switch
    {
        ValidationFailedException or RefusedException => StatusCodes.Status400BadRequest,
        PermissionDeniedException => StatusCodes.Status403Forbidden,
        NotFoundException => StatusCodes.Status404NotFound,
        StaleEditException => StatusCodes.Status409Conflict,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>A ProblemDetails answer: field errors as a validation problem, the rest with the refusal's message.</summary>
    public static IResult ToProblem(Exception refusal) => refusal is ValidationFailedException { Errors.Count: > 0 } v
        ? Results.ValidationProblem(v.Errors.ToDictionary(e => e.Key, e => new[] { e.Value }), detail: v.Summary)
        : Results.Problem(refusal.Message, statusCode: StatusFor(refusal));

    /// <summary>Runs an endpoint's work; a shared refusal becomes <paramref name="answer"/>(status, message), by default ProblemDetails.</summary>
    public static async Task<IResult> RunAsync(Func<Task<IResult>> work, Func<Exception, IResult>? answer = null)
    {
        try
        {
            return await work();
        }
        catch (Exception ex) when (ex is OperationException or PermissionDeniedException)
        {
            return (answer ?? ToProblem)(ex);
        }
    }
}
