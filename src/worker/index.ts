/** The scale-out worker (SPEC 11): claims a shared backend's attempts and runs them here. */
export { Worker } from "./worker";
