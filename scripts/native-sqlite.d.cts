export declare function ensureNodeSqlite(): void;
export declare function ensureElectronSqlite(): string | undefined;
