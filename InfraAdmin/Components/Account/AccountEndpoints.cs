using InfraAdmin.Data.Entities;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace InfraAdmin.Components.Account;

internal static class AccountEndpoints
{
    /// <summary>
    /// <c>POST /Account/Logout</c>: signs out (audited, the server-side session ended) and returns to the login page.
    /// Needs the form's antiforgery token: another site cannot sign people out.
    /// </summary>
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/Account/Logout", async (HttpContext context, [FromServices] IAntiforgery antiforgery, [FromServices] SignInManager<AppUser> signInManager) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context))
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The sign-out form has expired or came from another site. Reload the page and sign out again.");
            await signInManager.SignOutAsync();
            return Results.LocalRedirect("~/Account/Login");
        }).AllowAnonymous();
        return endpoints;
    }
}
