/** bridge-utils: brctl */
export { bridgeUtilsCommands } from "./brctl.ts";
