import { request } from 'node:http';
import { OrangeError, RUNTIME_CATALOG } from '@orange-cloud/sdk';

/** Docker's socket: DOCKER_HOST when it names a unix socket, else the default. */
export function dockerSocket(env: Record<string, string | undefined>): string {
  const host = env.DOCKER_HOST;
  return host?.startsWith('unix://') ? host.slice('unix://'.length) : '/var/run/docker.sock';
}

/** The catalog's runtimes whose image is among the tags Docker lists. */
export function runtimesPresent(
  tags: readonly string[],
  catalog: readonly { name: string; image: string }[] = RUNTIME_CATALOG,
): string[] {
  return catalog.filter((runtime) => tags.includes(runtime.image)).map((r) => r.name);
}

function getJson(socketPath: string, path: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, timeout: 5_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        if ((res.statusCode ?? 500) >= 400) reject(new Error(`HTTP ${res.statusCode}: ${body}`));
        else resolve(JSON.parse(body) as unknown);
      });
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 5 s')));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Asks the Docker engine which images it holds, and so which runtimes this machine can offer.
 * No engine: the error the notification turns into an "Install Docker" button.
 */
export async function probeDocker(socketPath: string): Promise<{ runtimes: string[] }> {
  let images: unknown;
  try {
    images = await getJson(socketPath, '/images/json');
  } catch (cause) {
    throw new OrangeError(
      'DOCKER_UNAVAILABLE',
      `Sharing compute needs Docker, and no Docker engine answers at ${socketPath}: ${(cause as Error).message}.`,
      {
        hint: 'Install Docker Engine (or Docker Desktop), start it, and make sure your user may use it (the docker group), then start sharing again.',
        cause,
      },
    );
  }
  const tags = (Array.isArray(images) ? images : []).flatMap(
    (image: { RepoTags?: string[] | null }) => image.RepoTags ?? [],
  );
  return { runtimes: runtimesPresent(tags) };
}
