using System.Text.Json.Serialization;

namespace Vigil.Monitors.Store;

/// <summary>Source-generated JSON for the store's label maps (no reflection).</summary>
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class StoreJsonContext : JsonSerializerContext
{
}
