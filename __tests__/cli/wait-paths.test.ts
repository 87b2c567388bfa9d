/** `wait --print-paths`: the same object → file mapping as the FSx import (core/fsx-import.ts). */
import { printedPaths } from "../../cli/wait";

const ASSOCIATIONS = [
  { fileSystemId: "fs-0123456789abcdef0", fileSystemPath: "/", dataRepositoryPath: "s3://fsx4l-store/" },
  {
    fileSystemId: "fs-0123456789abcdef0",
    fileSystemPath: "/ref",
    dataRepositoryPath: "s3://fsx4l-store/reference/v2/",
  },
];

function run(keys: string[], associations = ASSOCIATIONS) {
  let stderr = "";
  const out = printedPaths("/fsx", "fsx4l-store", keys, associations, {
    stderr: { write: (t: string) => (stderr += t) },
  });
  return { out, stderr };
}

describe("printedPaths", () => {
  it("keeps <mount>/<key> when the target names no associations", () => {
    expect(run(["reference/v2/x.fa", "raw/a b.nc"], [])).toEqual({
      out: "/fsx/reference/v2/x.fa\n/fsx/raw/a b.nc\n",
      stderr: "",
    });
  });

  it("puts each key where its longest association links it", () => {
    expect(run(["reference/v2/x.fa", "raw/a b.nc"])).toEqual({ out: "/fsx/ref/x.fa\n/fsx/raw/a b.nc\n", stderr: "" });
  });

  it("says which objects are on no file system", () => {
    const r = run(
      ["reference/v2/x.fa", "raw/a.nc"],
      [
        {
          fileSystemId: "fs-0123456789abcdef0",
          fileSystemPath: "/ref/",
          dataRepositoryPath: "s3://fsx4l-store/reference/v2/",
        },
        { fileSystemId: "fs-0fedcba9876543210", fileSystemPath: "/", dataRepositoryPath: "s3://other/" },
      ],
    );
    expect(r.out).toBe("/fsx/ref/x.fa\n");
    expect(r.stderr).toBe("1 objects lie in no data repository association (not on FSx): raw/a.nc\n");
  });
});
