import { Token } from 'aws-cdk-lib';
import { ValidationError } from '../private/validation';

/**
 * How pg_dump compresses the custom-format archive (`pg_dump --format=custom --compress=...`).
 * lz4 and zstd need a PostgreSQL 16 or newer client (`pgMajor`).
 */
export class DumpCompression {
  /**
   * gzip at `level` 1-9 (pg_dump's default method). The default, level 3, is the job's: on poorly compressible data
   * it made archives about 3 % larger than zlib's default level 6 in two thirds of the time (bench/README.md).
   */
  public static gzip(level: number = 3): DumpCompression {
    checkLevel('gzip', level, 1, 9);
    return new DumpCompression(`gzip:${level}`, 'gzip', 0);
  }

  /** LZ4 at `level` 1-12: much faster than gzip, larger archives. Needs a PostgreSQL 16+ client. */
  public static lz4(level: number = 1): DumpCompression {
    checkLevel('lz4', level, 1, 12);
    return new DumpCompression(`lz4:${level}`, 'lz4', 16);
  }

  /** Zstandard at `level` 1-22: faster than gzip and smaller at moderate levels. Needs a PostgreSQL 16+ client. */
  public static zstd(level: number = 3): DumpCompression {
    checkLevel('zstd', level, 1, 22);
    return new DumpCompression(`zstd:${level}`, 'zstd', 16);
  }

  /** No compression: only for data that is already compressed (the archive is as large as the data). */
  public static none(): DumpCompression {
    return new DumpCompression('none', 'none', 0);
  }

  /** The value the handler passes to pg_dump, e.g. `gzip:3` (`DUMP_COMPRESSION`). */
  public readonly value: string;

  /** `gzip`, `lz4`, `zstd` or `none`. */
  public readonly method: string;

  /** The oldest PostgreSQL client major that supports the method (0: every supported major). */
  public readonly minimumClientMajor: number;

  private constructor(value: string, method: string, minimumClientMajor: number) {
    this.value = value;
    this.method = method;
    this.minimumClientMajor = minimumClientMajor;
  }
}

function checkLevel(method: string, level: number, min: number, max: number): void {
  if (!Token.isUnresolved(level) && (!Number.isInteger(level) || level < min || level > max)) {
    throw new ValidationError(
      `DumpCompression.${method} level is ${level}; pg_dump accepts ${method} levels ${min}-${max} (e.g. DumpCompression.${method}(${min === 1 && max === 9 ? 6 : min}))`,
    );
  }
}
