import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { summaryStamp } from "./docker-runtime.js";

describe("summaryStamp", () => {
  it("leaves out the age Docker writes into Status", () => {
    const ages = ["Less than a second", "1 second", "42 seconds", "About a minute", "5 minutes"];
    const more = ["About an hour", "3 hours", "2 days", "3 weeks", "4 months", "2 years"];
    for (const age of [...ages, ...more]) {
      assert.equal(summaryStamp({ State: "running", Status: `Up ${age}` }), "running|Up");
      assert.equal(
        summaryStamp({ State: "exited", Status: `Exited (137) ${age} ago` }),
        "exited|Exited (137)",
      );
    }
  });

  it("keeps what changes with the container: state, exit code, health, paused", () => {
    const stamp = (State: string, Status: string) => summaryStamp({ State, Status });
    assert.equal(stamp("running", "Up 3 minutes (healthy)"), "running|Up (healthy)");
    assert.equal(stamp("running", "Up 3 minutes (Paused)"), "running|Up (Paused)");
    assert.notEqual(
      stamp("exited", "Exited (0) 1 second ago"),
      stamp("exited", "Exited (1) 1 second ago"),
    );
    assert.equal(stamp("created", "Created"), "created|Created");
  });
});
