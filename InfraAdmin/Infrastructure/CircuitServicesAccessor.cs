using InfraAdmin.Authorization;
using InfraAdmin.Data.Audit;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace InfraAdmin.Infrastructure;

/// <summary>
/// The services of the circuit whose event is being handled (the documented Blazor pattern for reaching
/// circuit-scoped services from singletons such as the audit interceptor).
/// </summary>
public sealed class CircuitServicesAccessor
{
    private static readonly AsyncLocal<IServiceProvider?> Current = new();

    public IServiceProvider? Services
    {
        get => Current.Value;
        set => Current.Value = value;
    }
}

internal sealed class ServicesAccessorCircuitHandler(IServiceProvider services, CircuitServicesAccessor accessor) : CircuitHandler
{
    public override Func<CircuitInboundActivityContext, Task> CreateInboundActivityHandler(Func<CircuitInboundActivityContext, Task> next) =>
        async context =>
        {
            accessor.Services = services;
            await next(context);
            accessor.Services = null;
        };
}

/// <summary>Names the actor of an audited change: the circuit's or the request's <see cref="CurrentUser"/>, else the system.</summary>
internal sealed class AmbientAuditActor(CircuitServicesAccessor circuit, IHttpContextAccessor http) : IAuditActorAccessor
{
    public ValueTask<AuditActor> GetActorAsync()
    {
        var services = circuit.Services ?? http.HttpContext?.RequestServices;
        var currentUser = services?.GetService<CurrentUser>();
        return currentUser?.GetActorAsync() ?? ValueTask.FromResult(SystemAuditActor.System);
    }
}
