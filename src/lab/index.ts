export { parseLab, expandLab, nodeKind, LabError, DUMP_CMD, DUMP_TAG, type Lab, type LabLink } from "./parse.ts";
export { labMac, macString, LabMacs } from "./labmac.ts";
export { sha256 } from "./sha256.ts";
export { parseJsonl, entryLine, pyJsonDumps, type Entry } from "./transcript.ts";
export { normalized, normalizeText, render, diffTranscripts, markDumps, runsOf, unifiedDiff, type DiffResult } from "./normalize.ts";
export { LabWorld, type LabNode, type KernelWorldLike, type KernelHostLike, type WorldFactory } from "./world.ts";
export { runLab } from "./runner.ts";
