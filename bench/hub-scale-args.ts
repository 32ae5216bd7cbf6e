// The hub-scale benchmark's command line: `--nodes 1000,5000` (fleet sizes, run in order) and
// `--workers N` (simulator processes the fleet is split across).

export interface HubScaleArgs {
  nodes: number[];
  workers: number;
}

export const DEFAULT_HUB_SCALE_ARGS: HubScaleArgs = { nodes: [1000, 5000, 10_000], workers: 2 };

export function parseHubScaleArgs(argv: readonly string[]): HubScaleArgs {
  const args = { ...DEFAULT_HUB_SCALE_ARGS };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag !== "--nodes" && flag !== "--workers") {
      throw new Error(
        `unknown argument ${JSON.stringify(flag)}: use --nodes N[,N…] and --workers N`,
      );
    }
    if (value === undefined) throw new Error(`${flag} needs a value`);
    i++;
    if (flag === "--nodes") {
      args.nodes = value.split(",").map((n) => positiveInt(flag, n));
    } else {
      args.workers = positiveInt(flag, value);
    }
  }
  return args;
}

function positiveInt(flag: string, text: string): number {
  const n = Number(text.trim().replace(/_/g, ""));
  if (!Number.isSafeInteger(n) || n <= 0) {
    throw new Error(`${flag}: ${JSON.stringify(text)} is not a positive whole number`);
  }
  return n;
}

/** Splits `names` into `parts` nearly equal runs, none empty. */
export function splitEvenly<T>(items: readonly T[], parts: number): T[][] {
  const count = Math.max(1, Math.min(parts, items.length));
  const size = Math.ceil(items.length / count);
  return Array.from({ length: count }, (_, i) => items.slice(i * size, (i + 1) * size)).filter(
    (part) => part.length > 0,
  );
}
