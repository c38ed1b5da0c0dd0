export { coreutilsCommands } from "./uname.ts";
