using System.Text.Json.Nodes;

namespace Plural.KubeEmulator.Watch;

/// <summary>One event as a watcher receives it, after selector translation.</summary>
internal readonly record struct WatchItem(string Type, JsonObject Object);
