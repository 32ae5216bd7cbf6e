// Ages as kubectl prints them: k8s.io/apimachinery/pkg/util/duration.HumanDuration, which keeps
// two significant units while they matter (3m12s, 5h10m, 2d3h) and drops the smaller one once the
// larger dominates (12m, 12h, 12d).

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const YEAR = 365 * DAY;

/** Two units when the remainder is not zero, e.g. `3m12s`, `3m`. */
function pair(value: number, unit: string, rest: number, restUnit: string): string {
  return rest === 0 ? `${value}${unit}` : `${value}${unit}${rest}${restUnit}`;
}

export function humanDuration(milliseconds: number): string {
  // Go truncates toward zero; up to a second and a bit of clock skew between hosts reads as now.
  const seconds = Math.trunc(milliseconds / 1000);
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 2 * MINUTE) return `${seconds}s`;
  const minutes = Math.floor(seconds / MINUTE);
  if (minutes < 10) return pair(minutes, "m", seconds % MINUTE, "s");
  if (minutes < 3 * 60) return `${minutes}m`;
  const hours = Math.floor(seconds / HOUR);
  if (hours < 8) return pair(hours, "h", minutes % 60, "m");
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(seconds / DAY);
  if (hours < 8 * 24) return pair(days, "d", hours % 24, "h");
  if (days < 2 * 365) return `${days}d`;
  const years = Math.floor(seconds / YEAR);
  if (days < 8 * 365) return pair(years, "y", days % 365, "d");
  return `${years}y`;
}

/** The time since an RFC 3339 timestamp, `<unknown>` when there is none, as kubectl prints it. */
export function age(timestamp: string | undefined, now: Date): string {
  const then = timestamp === undefined ? NaN : Date.parse(timestamp);
  if (Number.isNaN(then)) return "<unknown>";
  return humanDuration(now.getTime() - then);
}
