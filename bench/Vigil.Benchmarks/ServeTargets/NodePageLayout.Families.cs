using System.Globalization;

namespace Vigil.Benchmarks.ServeTargets;

internal sealed partial class NodePageLayout
{
    private static readonly string[] GcQuantiles = ["0", "0.25", "0.5", "0.75", "1"];

    private static readonly string[] MemStats =
    [
        "alloc_bytes", "alloc_bytes_total", "buck_hash_sys_bytes", "frees_total", "gc_sys_bytes", "heap_alloc_bytes",
        "heap_idle_bytes", "heap_inuse_bytes", "heap_objects", "heap_released_bytes", "heap_sys_bytes",
        "last_gc_time_seconds", "lookups_total", "mallocs_total", "mcache_inuse_bytes", "mcache_sys_bytes",
        "mspan_inuse_bytes", "mspan_sys_bytes", "next_gc_bytes", "other_sys_bytes", "stack_inuse_bytes",
        "stack_sys_bytes", "sys_bytes",
    ];

    private static readonly string[] Meminfo =
    [
        "Active", "Active_anon", "Active_file", "AnonHugePages", "AnonPages", "Bounce", "Buffers", "Cached",
        "CommitLimit", "Committed_AS", "DirectMap1G", "DirectMap2M", "DirectMap4k", "Dirty", "Hugepagesize",
        "Inactive", "Inactive_anon", "Inactive_file", "KernelStack", "Mapped", "MemAvailable", "MemFree",
        "MemTotal", "Mlocked", "PageTables", "SReclaimable", "SUnreclaim", "Shmem", "Slab", "SwapCached",
        "SwapFree", "SwapTotal", "Unevictable", "VmallocTotal", "VmallocUsed", "Writeback",
    ];

    private static readonly string[] Collectors =
    [
        "arp", "bcache", "bonding", "btrfs", "conntrack", "cpu", "cpufreq", "diskstats", "dmi", "edac", "entropy",
        "fibrechannel", "filefd", "filesystem", "hwmon", "infiniband", "ipvs", "loadavg", "mdadm", "meminfo",
        "netclass", "netdev", "netstat", "nfs", "nfsd", "nvme", "os", "powersupplyclass", "pressure", "rapl",
        "schedstat", "selinux", "sockstat", "softnet", "stat", "tapestats", "textfile", "thermal_zone", "time",
        "timex", "udp_queues", "uname", "vmstat", "xfs", "zfs",
    ];

    private static readonly string[] CpuModes = ["idle", "iowait", "irq", "nice", "softirq", "steal", "system", "user"];

    private static readonly string[] LatencyBuckets = ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"];

    /// <summary>About 200 series every node_exporter page has, whatever the machine.</summary>
    private void AddFixedFamilies()
    {
        Family("go_gc_duration_seconds", "summary", "A summary of the pause duration of garbage collection cycles.");
        foreach (string q in GcQuantiles)
        {
            Series($"go_gc_duration_seconds{{quantile=\"{q}\"}}", SeriesKind.Gauge);
        }

        Series("go_gc_duration_seconds_sum", SeriesKind.Counter);
        Series("go_gc_duration_seconds_count", SeriesKind.Counter);
        Family("go_goroutines", "gauge", "Number of goroutines that currently exist.");
        Series("go_goroutines", SeriesKind.Gauge);
        Family("go_info", "gauge", "Information about the Go environment.");
        Series("go_info{version=\"go1.20.3\"}", SeriesKind.Constant);
        foreach (string stat in MemStats)
        {
            bool counter = stat.EndsWith("_total", StringComparison.Ordinal);
            Family("go_memstats_" + stat, counter ? "counter" : "gauge", "Go runtime memory statistic " + stat + ".");
            Series("go_memstats_" + stat, counter ? SeriesKind.Counter : SeriesKind.Gauge);
        }

        Family("go_threads", "gauge", "Number of OS threads created.");
        Series("go_threads", SeriesKind.Gauge);
        Histogram("http_request_duration_seconds", "Latency of HTTP requests.", "handler", ["/metrics", "/probe"], LatencyBuckets);
        PerLabelSet("node_arp_entries", "gauge", "ARP entries by device", ["device=\"eth0\""], SeriesKind.Gauge);
        Family("node_boot_time_seconds", "gauge", "Node boot time, in unixtime.");
        Series("node_boot_time_seconds", SeriesKind.Constant);
        Family("node_context_switches_total", "counter", "Total number of context switches.");
        Series("node_context_switches_total", SeriesKind.Counter);
        Family("node_forks_total", "counter", "Total number of forks.");
        Series("node_forks_total", SeriesKind.Counter);
        Family("node_intr_total", "counter", "Total number of interrupts serviced.");
        Series("node_intr_total", SeriesKind.Counter);
        foreach (string load in (string[])["1", "5", "15"])
        {
            Family("node_load" + load, "gauge", load + "m load average.");
            Series("node_load" + load, SeriesKind.Gauge);
        }

        foreach (string field in Meminfo)
        {
            string name = "node_memory_" + field + "_bytes";
            Family(name, "gauge", "Memory information field " + field + "_bytes.");
            Series(name, SeriesKind.Gauge);
        }

        Family("node_procs_blocked", "gauge", "Number of processes blocked waiting for I/O to complete.");
        Series("node_procs_blocked", SeriesKind.Gauge);
        Family("node_procs_running", "gauge", "Number of processes in runnable state.");
        Series("node_procs_running", SeriesKind.Gauge);
        PerLabelSet("node_scrape_collector_duration_seconds", "gauge", "node_exporter: Duration of a collector scrape.",
            Collectors.Select(static c => $"collector=\"{c}\""), SeriesKind.Gauge);
        PerLabelSet("node_scrape_collector_success", "gauge", "node_exporter: Whether a collector succeeded.",
            Collectors.Select(static c => $"collector=\"{c}\""), SeriesKind.Constant);
        Family("node_uname_info", "gauge", "Labeled system information as provided by the uname system call.");
        Series("node_uname_info{domainname=\"(none)\",machine=\"x86_64\",nodename=\"bench\",release=\"6.1.0-13-amd64\",sysname=\"Linux\",version=\"#1 SMP PREEMPT_DYNAMIC Debian 6.1.55-1 (2023-09-29)\"}", SeriesKind.Constant);
        foreach ((string name, string type) in (ReadOnlySpan<(string, string)>)[
            ("process_cpu_seconds_total", "counter"), ("process_max_fds", "gauge"), ("process_open_fds", "gauge"),
            ("process_resident_memory_bytes", "gauge"), ("process_start_time_seconds", "gauge"),
            ("process_virtual_memory_bytes", "gauge"), ("process_virtual_memory_max_bytes", "gauge")])
        {
            Family(name, type, "Process statistic " + name + ".");
            Series(name, type == "counter" ? SeriesKind.Counter : SeriesKind.Gauge);
        }

        PerLabelSet("promhttp_metric_handler_requests_total", "counter", "Total number of scrapes by HTTP status code.",
            ["code=\"200\"", "code=\"500\"", "code=\"503\""], SeriesKind.Counter);
    }

    /// <summary>
    /// Per-CPU (10 series each), per-disk (10), per-filesystem (7) and per-interface (10) families, sized 40:20:15:25
    /// to cover <paramref name="remaining"/> series; <see cref="Series"/> stops at the limit.
    /// </summary>
    private void AddScaledFamilies(int remaining)
    {
        int cpus = Math.Max(1, (int)Math.Ceiling(remaining * 0.40 / 10));
        int disks = Math.Max(1, (int)Math.Ceiling(remaining * 0.20 / 10));
        int filesystems = Math.Max(1, (int)Math.Ceiling(remaining * 0.15 / 7));
        int nics = Math.Max(1, (int)Math.Ceiling(remaining * 0.25 / 10));
        string[] cpu = Numbered(cpus, static i => i.ToString(CultureInfo.InvariantCulture));
        string[] disk = Numbered(disks, static i => DiskName(i));
        string[] nic = Numbered(nics, static i => i == 0 ? "eth0" : "veth" + i.ToString("x6", CultureInfo.InvariantCulture));

        PerLabelSet("node_cpu_guest_seconds_total", "counter", "Seconds the CPUs spent in guests (VMs) for each mode.",
            cpu.SelectMany(static c => ((string[])["nice", "user"]).Select(m => $"cpu=\"{c}\",mode=\"{m}\"")), SeriesKind.Counter);
        PerLabelSet("node_cpu_seconds_total", "counter", "Seconds the CPUs spent in each mode.",
            cpu.SelectMany(static c => CpuModes.Select(m => $"cpu=\"{c}\",mode=\"{m}\"")), SeriesKind.Counter);
        foreach (string field in (string[])["io_time_seconds", "read_bytes", "read_time_seconds", "reads_completed", "reads_merged",
            "write_time_seconds", "writes_completed", "writes_merged", "written_bytes"])
        {
            PerLabelSet($"node_disk_{field}_total", "counter", $"The total number of {field.Replace('_', ' ')}.",
                disk.Select(static d => $"device=\"{d}\""), SeriesKind.Counter);
        }

        PerLabelSet("node_disk_io_now", "gauge", "The number of I/Os currently in progress.", disk.Select(static d => $"device=\"{d}\""), SeriesKind.Gauge);
        string[] mounts = Numbered(filesystems, static i => i == 0
            ? "device=\"/dev/sda1\",fstype=\"ext4\",mountpoint=\"/\""
            : $"device=\"/dev/{DiskName(i)}1\",fstype=\"{(i % 3 == 0 ? "xfs" : "ext4")}\",mountpoint=\"/srv/data{i.ToString(CultureInfo.InvariantCulture)}\"");
        foreach ((string field, SeriesKind kind) in (ReadOnlySpan<(string, SeriesKind)>)[
            ("avail_bytes", SeriesKind.Gauge), ("device_error", SeriesKind.Constant), ("files", SeriesKind.Constant),
            ("files_free", SeriesKind.Gauge), ("free_bytes", SeriesKind.Gauge), ("readonly", SeriesKind.Constant), ("size_bytes", SeriesKind.Constant)])
        {
            PerLabelSet("node_filesystem_" + field, "gauge", "Filesystem " + field.Replace('_', ' ') + ".", mounts, kind);
        }

        PerLabelSet("node_network_mtu_bytes", "gauge", "Network device property: mtu_bytes", nic.Select(static n => $"device=\"{n}\""), SeriesKind.Constant);
        foreach (string field in (string[])["receive_bytes", "receive_drop", "receive_errs", "receive_packets",
            "transmit_bytes", "transmit_drop", "transmit_errs", "transmit_packets"])
        {
            PerLabelSet($"node_network_{field}_total", "counter", "Network device statistic " + field + ".",
                nic.Select(static n => $"device=\"{n}\""), SeriesKind.Counter);
        }

        PerLabelSet("node_network_up", "gauge", "Value is 1 if operstate is 'up', 0 otherwise.", nic.Select(static n => $"device=\"{n}\""), SeriesKind.Constant);
    }

    private static string[] Numbered(int count, Func<int, string> name) => Enumerable.Range(0, count).Select(name).ToArray();

    /// <summary>sda ... sdz, sdaa ...: the kernel's naming.</summary>
    private static string DiskName(int index) =>
        index < 26 ? "sd" + (char)('a' + index) : "sd" + (char)('a' + (index / 26) - 1) + (char)('a' + (index % 26));
}
