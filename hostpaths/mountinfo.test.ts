import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mountPointsUnder, parseMountPoints } from "./mountinfo.js";

const MOUNTINFO = `22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw
43 22 254:0 /srv/logs /var/lib/daemonlet/pins/u1/volumes/logs rw,relatime shared:1 - ext4 /dev/vda rw
44 43 0:50 / /var/lib/daemonlet/pins/u1/volumes/logs/sub rw - tmpfs tmpfs rw
45 22 254:0 /srv/a\\040b /var/lib/daemonlet/pins/u1/volumes/with\\040space rw - ext4 /dev/vda rw
46 22 254:0 /srv/x /var/lib/daemonlet/pins/u10/volumes/x rw - ext4 /dev/vda rw
`;

describe("mountinfo", () => {
  it("reads the mount points, undoing the kernel's octal escapes", () => {
    assert.deepEqual(parseMountPoints(MOUNTINFO), [
      "/",
      "/var/lib/daemonlet/pins/u1/volumes/logs",
      "/var/lib/daemonlet/pins/u1/volumes/logs/sub",
      "/var/lib/daemonlet/pins/u1/volumes/with space",
      "/var/lib/daemonlet/pins/u10/volumes/x",
    ]);
  });

  it("lists the mounts under a directory, children before parents, and not a sibling sharing its prefix", () => {
    assert.deepEqual(mountPointsUnder(parseMountPoints(MOUNTINFO), "/var/lib/daemonlet/pins/u1"), [
      "/var/lib/daemonlet/pins/u1/volumes/with space",
      "/var/lib/daemonlet/pins/u1/volumes/logs/sub",
      "/var/lib/daemonlet/pins/u1/volumes/logs",
    ]);
    assert.deepEqual(mountPointsUnder(["/a", "/a", "/b"], "/a"), ["/a"]);
    assert.deepEqual(mountPointsUnder(parseMountPoints(MOUNTINFO), "/nowhere"), []);
  });
});
