export declare function electronBinary(): string | undefined;
export declare function electronVersion(): string;
