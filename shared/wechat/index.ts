/** Types and schemas of the WeChat card API, shared by the client and the renderer. */
export * from './enums';
export * from './card';
export * from './code';
export * from './datacube';
export * from './token';
export * from './envelope';
export * from './calls';
export * from './errcodes';
export * from './errcode-class';
