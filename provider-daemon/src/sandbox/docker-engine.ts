import Docker from 'dockerode';
import type { Duplex, Readable } from 'node:stream';
import type { ContainerCreateBody } from './container-config.js';
import type {
  ContainerEngine,
  ContainerState,
  EngineContainer,
  ListedContainer,
} from './container-engine.js';
import { dockerUnavailable, runtimeImageMissing } from './errors.js';

export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';

/** The only module that talks to dockerode; maps its failures onto OrangeErrors. */
export function createDockerEngine(socketPath: string = DEFAULT_DOCKER_SOCKET): ContainerEngine {
  const docker = new Docker({ socketPath });
  const unreachable = (error: unknown): never => {
    throw isConnectionFailure(error) ? dockerUnavailable(socketPath, error) : error;
  };

  return {
    async ping() {
      await docker.ping().catch(unreachable);
    },

    async hasImage(image) {
      try {
        await docker.getImage(image).inspect();
        return true;
      } catch (error) {
        if (statusCode(error) === 404) return false;
        return unreachable(error);
      }
    },

    async ociRuntimes() {
      const info = (await docker.info().catch(unreachable)) as {
        Runtimes?: Record<string, unknown>;
      };
      return Object.keys(info.Runtimes ?? {});
    },

    async createContainer(body: ContainerCreateBody) {
      try {
        return wrapContainer(await docker.createContainer(body));
      } catch (error) {
        if (statusCode(error) === 404) throw runtimeImageMissing(body.Image, error);
        return unreachable(error);
      }
    },

    async listContainers(label): Promise<ListedContainer[]> {
      const containers = await docker
        .listContainers({ all: true, filters: { label: [label] } })
        .catch(unreachable);
      return containers.map((c) => ({ id: c.Id, labels: c.Labels, state: c.State }));
    },

    container: (id) => wrapContainer(docker.getContainer(id)),

    async removeContainer(id) {
      await docker
        .getContainer(id)
        .remove({ force: true, v: true })
        .catch((error: unknown) => {
          // already gone (e.g. removed concurrently) is what we wanted
          if (statusCode(error) !== 404) unreachable(error);
        });
    },
  };
}

function wrapContainer(container: Docker.Container): EngineContainer {
  return {
    id: container.id,
    async attach() {
      const stream = await container.attach({
        stream: true,
        stdin: true,
        stdout: true,
        stderr: true,
        hijack: true,
      });
      return stream as Duplex;
    },
    async start() {
      await container.start();
    },
    async wait() {
      await container.wait();
    },
    async kill() {
      await sendSignal(container, 'SIGKILL');
    },
    async signal(signal) {
      await sendSignal(container, signal);
    },
    async inspect(): Promise<ContainerState> {
      const info = await container.inspect();
      return {
        exitCode: info.State.Running ? null : info.State.ExitCode,
        oomKilled: info.State.OOMKilled,
      };
    },
    async remove() {
      await container.remove({ force: true, v: true });
    },
    async logs() {
      const stream = await container.logs({ follow: true, stdout: true, stderr: true });
      return stream as Readable;
    },
  };
}

async function sendSignal(container: Docker.Container, signal: string): Promise<void> {
  await container.kill({ signal }).catch((error: unknown) => {
    // 409: not running any more, which is what a signal to stop wants
    if (statusCode(error) !== 409 && statusCode(error) !== 404) throw error;
  });
}

function statusCode(error: unknown): number | undefined {
  const code = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/** Socket-level failures: no engine at that path, engine not listening, or no permission. */
function isConnectionFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'EACCES' || code === 'ECONNRESET';
}
