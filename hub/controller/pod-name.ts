// Pod names as Kubernetes's generateName makes them: `<base>-<5 random characters>`.
import { randomInt } from "node:crypto";

// Kubernetes's generateName alphabet: no vowels (no words) and no look-alike characters.
const NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
/** With 27^5 names, 10 000 pods of one DaemonSet hold a taken name a few times per rollout. */
const ATTEMPTS = 16;

export function randomSuffix(): string {
  return Array.from({ length: 5 }, () => NAME_ALPHABET[randomInt(NAME_ALPHABET.length)]).join("");
}

/**
 * A name not `taken` yet: drawn again on a collision, which a fleet of thousands of pods of one
 * DaemonSet meets in earnest (a birthday bound), so it must cost a redraw, not a failed sync.
 */
export function freshPodName(
  base: string,
  taken: (name: string) => boolean,
  suffix: () => string = randomSuffix,
): string {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const name = `${base}-${suffix()}`;
    if (!taken(name)) return name;
  }
  throw new Error(`no free pod name for ${base} after ${ATTEMPTS} draws`);
}
