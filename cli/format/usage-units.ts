// Usage figures written as kubectl top writes them: cpu in millicores, memory in mebibytes.

export function formatCpu(cores: number): string {
  return `${Math.round(cores * 1000)}m`;
}

export function formatMemory(bytes: number): string {
  return `${Math.round(bytes / 2 ** 20)}Mi`;
}

export function formatPercent(used: number, of: number): string {
  return of > 0 ? `${Math.round((used / of) * 100)}%` : "<unknown>";
}

/** Bytes per second, in the largest binary unit that keeps the figure at least one. */
export function formatRate(bytesPerSecond: number): string {
  const units = ["B", "KiB", "MiB", "GiB"];
  let value = bytesPerSecond;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 10 || unit === 0 ? Math.round(value) : value.toFixed(1)}${units[unit]}/s`;
}

/** Disk sizes, in gibibytes with one decimal. */
export function formatDisk(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)}Gi`;
}
