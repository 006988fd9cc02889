/**
 * Names of the runtime entry points compiled code calls. The `__rt_*` ones are in ./core.asm (raw
 * integer arguments, System V registers); the `rt.*` ones are functions of the runtime written in
 * TypeScript (./lib/*.ts), named `rt.<file>.<function>` and called with Toro's convention.
 */
export const RT = {
  // core.asm
  start: '_start',
  main: 'ts.main',
  globals: '__rt_globals',
  globalCount: '__rt_global_count',
  scratch: '__rt_scratch',
  toInt32: '__rt_toint32',
  tagOf: '__rt_tagof',
  allocString: '__rt_alloc_string',
  stringLength: '__rt_string_length',
  stringByte: '__rt_string_byte',
  stringSetByte: '__rt_string_set_byte',
  stringCopy: '__rt_string_copy',
  write: '__rt_write',
  exit: '__rt_exit',
  gcCount: '__rt_gc_count',
  // lib/*.ts
  fmod: 'rt.math.fmod',
  pow: 'rt.math.pow',
  min: 'rt.math.min',
  max: 'rt.math.max',
  concat: 'rt.string.concat',
  stringEquals: 'rt.string.equals',
  numberToString: 'rt.number.numberToString',
  logNumber: 'rt.console.logNumber',
  toStringValue: 'rt.console.toStringValue',
  inspectValue: 'rt.console.inspectValue',
  truthy: 'rt.console.truthy',
  strictEquals: 'rt.console.strictEquals',
  writeLine: 'rt.console.writeLine',
  throwValue: 'rt.console.throwValue',
} as const;
