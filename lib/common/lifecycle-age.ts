import { Duration } from 'aws-cdk-lib';

/**
 * When a lifecycle step happens to a backup: after an age, or never. One value where a step is on by default, so
 * that turning it off needs no second switch (`glacierAfter: LifecycleAge.NEVER`). Where a step is off by default, a
 * plain optional `Duration` says the same.
 */
export class LifecycleAge {
  /** The step never happens. */
  public static readonly NEVER = new LifecycleAge(undefined);

  /** The step happens once an object or recovery point is `age` old. */
  public static after(age: Duration): LifecycleAge {
    return new LifecycleAge(age);
  }

  /**
   * The age at which the step happens.
   *
   * @default - never
   */
  public readonly age?: Duration;

  private constructor(age: Duration | undefined) {
    this.age = age;
  }
}
