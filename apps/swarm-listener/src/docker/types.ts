/**
 * The few facts the listener needs from Docker, independent of dockerode so the core is unit-tested
 * with a fake. Field names follow the Engine API.
 */
export interface SwarmService {
  readonly ID: string;
  readonly Version?: { readonly Index?: number };
  readonly Spec?: {
    readonly Name?: string;
    readonly Labels?: Readonly<Record<string, string>>;
    readonly Mode?: {
      readonly Replicated?: { readonly Replicas?: number };
      readonly Global?: object;
      readonly ReplicatedJob?: object;
      readonly GlobalJob?: object;
    };
  };
}

export type ServiceEventAction = 'create' | 'update' | 'remove';

/**
 * A service event, or a task container that started on this engine's node: the fast signal that a
 * service has a running task (tasks on other nodes are seen by polling the task list).
 */
export type ServiceEvent =
  | { readonly action: ServiceEventAction; readonly id: string; readonly name?: string }
  | { readonly action: 'task-started'; readonly id: string };

/** Something happened to a node (type=node events): the node listing is compared again. */
export interface NodeEvent {
  readonly action: 'node';
  readonly id: string;
}

export type DockerEvent = ServiceEvent | NodeEvent;

/** Which event types to follow (DF_USE_DOCKER_SERVICE_EVENTS, DF_USE_DOCKER_NODE_EVENTS). */
export interface EventKinds {
  readonly services: boolean;
  readonly nodes: boolean;
}

export interface SwarmNode {
  readonly id: string;
  readonly hostname: string;
  readonly address: string;
  readonly versionIndex: number;
  readonly state: string;
  readonly role: string;
  readonly availability: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly engineLabels: Readonly<Record<string, string>>;
}

/** A task of a service that is starting or running: where it runs, its address on each network. */
export interface SwarmTask {
  readonly serviceId: string;
  readonly nodeId: string;
  /** First address of the task on each attached network, by network name, without the prefix length. */
  readonly networks: Readonly<Record<string, string>>;
}

/** A service of a listing that the caller already knows at this version: only its ID is kept. */
export interface UnchangedService {
  readonly ID: string;
  readonly unchanged: true;
}

export type Listed = SwarmService | UnchangedService;

export interface SwarmApi {
  /**
   * Every service. Those for which `unchanged(id, Version.Index)` answers true may come back as
   * `UnchangedService` (not parsed: at 10,000 services the listing is ~13 MB of JSON).
   */
  listServices(unchanged?: (id: string, version: number) => boolean): Promise<Listed[]>;
  /** null when the service does not exist (any more). */
  inspectService(id: string): Promise<SwarmService | null>;
  /** IDs (among `serviceIds`) of services with at least one task in state running. */
  servicesWithRunningTasks(serviceIds: readonly string[]): Promise<Set<string>>;
  /**
   * Tasks (among `serviceIds`) meant to run and starting or running: the container exists and has
   * its addresses (a task seen at its container's start is still `starting` in Swarm).
   */
  activeTasks(serviceIds: readonly string[]): Promise<SwarmTask[]>;
  listNodes(): Promise<SwarmNode[]>;
  /**
   * Service events (type=service, plus task container starts) and node events, as `kinds` asks
   * (default: services only), until the stream ends, errors or `signal` aborts. `onOpen` runs
   * once Docker accepted the subscription, so callers can reconcile without missing a change.
   */
  events(signal: AbortSignal, onOpen?: () => void, kinds?: EventKinds): AsyncIterable<DockerEvent>;
}

/** Typed error for Docker failures, so logs and metrics have a stable code. */
export class DockerError extends Error {
  readonly code = 'DOCKER_API';
  constructor(
    readonly operation: string,
    cause: unknown,
  ) {
    super(`docker ${operation} failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'DockerError';
  }
}
