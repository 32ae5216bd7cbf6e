import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  DEFAULT_HOST_PATH_POLICY,
  describeRoots,
  matchRoot,
  normalizePolicy,
  type HostPathPolicy,
  type PolicyRoot,
} from "./policy.js";

describe("normalizePolicy", () => {
  const cases: { name: string; input: HostPathPolicy; want: HostPathPolicy | RegExp }[] = [
    {
      name: "default policy is already normal",
      input: DEFAULT_HOST_PATH_POLICY,
      want: DEFAULT_HOST_PATH_POLICY,
    },
    {
      name: "collapses //, /./ and trailing slashes, and de-duplicates",
      input: { allowedRoots: ["/var//log/", "/var/./log", "/"], readOnlyRoots: ["/proc/"] },
      want: { allowedRoots: ["/var/log", "/"], readOnlyRoots: ["/proc"] },
    },
    {
      name: "relative root is refused, naming the entry",
      input: { allowedRoots: ["/var/log"], readOnlyRoots: ["/proc", "sys"] },
      want: /^hostPath policy: readOnlyRoots\[1\] "sys" is not an absolute path$/,
    },
    {
      name: "empty root is refused",
      input: { allowedRoots: [""], readOnlyRoots: [] },
      want: /^hostPath policy: allowedRoots\[0\] "" is empty$/,
    },
    {
      name: "root with .. is refused",
      input: { allowedRoots: ["/var/log/../../etc"], readOnlyRoots: [] },
      want: /allowedRoots\[0\] "\/var\/log\/..\/..\/etc" contains a ".." segment/,
    },
    {
      name: "root in both lists is refused",
      input: { allowedRoots: ["/data"], readOnlyRoots: ["/data/"] },
      want: /^hostPath policy: "\/data" is in both allowedRoots and readOnlyRoots$/,
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      if (c.want instanceof RegExp) {
        assert.throws(() => normalizePolicy(c.input), { message: c.want });
      } else {
        assert.deepEqual(normalizePolicy(c.input), c.want);
      }
    });
  }
});

describe("matchRoot", () => {
  const root = (real: string, readOnly: boolean): PolicyRoot => ({
    configured: real,
    real,
    readOnly,
  });
  const roots = [
    root("/var/log", false),
    root("/var/log/secure", true),
    root("/proc", true),
    root("/proc/sys/fs/binfmt_misc", false),
  ];
  const cases: { path: string; want: string | undefined; readOnly?: boolean }[] = [
    { path: "/var/log", want: "/var/log", readOnly: false },
    { path: "/var/log/app/x.log", want: "/var/log", readOnly: false },
    { path: "/var/logfoo", want: undefined },
    { path: "/var/lo", want: undefined },
    { path: "/var", want: undefined },
    { path: "/var/log/secure/audit", want: "/var/log/secure", readOnly: true },
    { path: "/var/log/securely", want: "/var/log", readOnly: false },
    { path: "/proc/1/status", want: "/proc", readOnly: true },
    {
      path: "/proc/sys/fs/binfmt_misc/register",
      want: "/proc/sys/fs/binfmt_misc",
      readOnly: false,
    },
    { path: "/etc", want: undefined },
  ];
  for (const c of cases) {
    test(`${c.path} → ${c.want ?? "no root"}`, () => {
      const got = matchRoot(c.path, roots);
      assert.equal(got?.real, c.want);
      if (c.readOnly !== undefined) assert.equal(got?.readOnly, c.readOnly);
    });
  }

  test("/ holds everything", () => {
    assert.equal(matchRoot("/etc/passwd", [root("/", false)])?.real, "/");
  });

  test("two roots with one real path: read-only wins, whatever the order", () => {
    const alias = { configured: "/logs", real: "/var/log", readOnly: true };
    assert.equal(matchRoot("/var/log/x", [root("/var/log", false), alias]), alias);
    assert.equal(matchRoot("/var/log/x", [alias, root("/var/log", false)]), alias);
  });
});

test("describeRoots lists allowed, then read-only roots", () => {
  assert.equal(
    describeRoots(DEFAULT_HOST_PATH_POLICY),
    "[/var/log, /proc (read-only), /sys (read-only), /var/lib/docker/containers (read-only)]",
  );
});
