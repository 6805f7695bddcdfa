using Grpc.Core;
using Grpc.Reflection.V1Alpha;
using Plural.EndToEnd.Tests.Infrastructure;

// Not ".ServerApi": that namespace would hide the generated ServerApi class from the other test folders.
namespace Plural.EndToEnd.Tests.MainApp;

/// <summary>Generic gRPC clients (grpcurl and the like) discover <c>ServerApi</c> through server reflection, over TLS.</summary>
[Collection(MainAppCollection.Name)]
public sealed class ServerApiReflectionTests(MainAppPlatform platform)
{
    [Fact]
    public async Task Server_reflection_lists_ServerApi_and_describes_its_methods()
    {
        using var channel = TrustedChannel.For(platform.ApiUrl, platform.Certificates.AuthorityFile);
        var reflection = new ServerReflection.ServerReflectionClient(channel);
        using var call = reflection.ServerReflectionInfo(deadline: DateTime.UtcNow.AddSeconds(30));

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        Assert.True(await call.ResponseStream.MoveNext());
        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { FileContainingSymbol = "plural.server.v1.ServerApi" });
        Assert.True(await call.ResponseStream.MoveNext());
        var files = call.ResponseStream.Current.FileDescriptorResponse.FileDescriptorProto
            .Select(bytes => Google.Protobuf.Reflection.FileDescriptorProto.Parser.ParseFrom(bytes)).ToList();
        await call.RequestStream.CompleteAsync();

        Assert.Contains("plural.server.v1.ServerApi", services);
        var methods = files.SelectMany(f => f.Service).Where(s => s.Name == "ServerApi").SelectMany(s => s.Method).Select(m => m.Name).ToList();
        Assert.Contains("RegisterAgent", methods);
        Assert.Contains("WatchClusterEvents", methods);
    }

    [Fact]
    public async Task Reflection_does_not_open_the_api_without_a_credential()
    {
        using var channel = TrustedChannel.For(platform.ApiUrl, platform.Certificates.AuthorityFile);

        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            new Protocol.Server.ServerApi.ServerApiClient(channel).ListAgentsAsync(new Protocol.Server.ListAgentsRequest()).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
    }
}
