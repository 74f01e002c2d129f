using System.Runtime.InteropServices;

namespace Vigil.IntegrationTests.Infrastructure;

internal static partial class NativeMethods
{
    public const int SigHup = 1;

    public const int SigTerm = 15;

    /// <summary>kill(2). .NET has no API to send SIGTERM, only Process.Kill (SIGKILL).</summary>
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static partial int Kill(int pid, int signal);
}
