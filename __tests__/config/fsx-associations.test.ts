/** The `associations` of an fsx-logs trigger: field formats, fileSystemIds, coverage of each target. */
import { ConfigError, resolveConfig } from "../../config/resolve";
import { proofConfigurations } from "../../testing/configurations";

const base = () => structuredClone(proofConfigurations()["fsx-import"]!);
const problems = (raw: unknown): readonly string[] => {
  try {
    resolveConfig(raw);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

describe("fsx-logs associations", () => {
  it("resolve onto the log group's stack", () => {
    const config = resolveConfig(base());
    expect(config.logTriggers[0]!.associations).toEqual(base().targets[0].trigger[0].associations);
  });

  it("name the field of a malformed association", () => {
    const raw = base();
    raw.targets[0].trigger[0].associations[1].dataRepositoryPath = "s3://fsx4l-store/raw/runs";
    raw.targets[0].trigger[0].associations[0].fileSystemPath = "runs/";
    const p = problems(raw);
    expect(p.some((x) => /associations\[1\].*dataRepositoryPath "s3:\/\/fsx4l-store\/raw\/runs" must be/.test(x))).toBe(
      true,
    );
    expect(p.some((x) => /associations\[0\].*fileSystemPath "runs\/" must be an absolute directory/.test(x))).toBe(
      true,
    );
  });

  it("must name file systems among fileSystemIds", () => {
    const raw = base();
    raw.targets[0].trigger[0].fileSystemIds = ["fs-0123456789abcdef0"];
    expect(problems(raw)).toEqual([
      expect.stringMatching(
        /associations\[1\]\.fileSystemId: fs-0fedcba9876543210 is not among fileSystemIds \(fs-0123456789abcdef0\)/,
      ),
    ]);
  });

  it("must link each target the log group feeds", () => {
    const raw = base();
    raw.targets[0].trigger[0].associations = [
      { fileSystemId: "fs-0123456789abcdef0", fileSystemPath: "/", dataRepositoryPath: "s3://fsx4l-store/other/" },
    ];
    expect(problems(raw)).toEqual([
      expect.stringMatching(
        /^targets\[0\]\.trigger: no association of log group \/aws\/fsx\/lustre links s3:\/\/fsx4l-store\/raw\//,
      ),
    ]);
  });

  it("may not nest file system paths on one file system", () => {
    const raw = base();
    raw.targets[0].trigger[0].associations.push({
      fileSystemId: "fs-0123456789abcdef0",
      fileSystemPath: "/raw/",
      dataRepositoryPath: "s3://fsx4l-store/raw/",
    });
    expect(problems(raw)).toEqual([expect.stringMatching(/overlap; FSx allows no nested file system paths/)]);
  });
});
