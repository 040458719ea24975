// A real, certified OpenID Provider (npm "oidc-provider") on loopback for the sign-in tests,
// issuing Entra-shaped id_tokens: iss = <base>/<tenant>/v2.0, claims oid, tid,
// preferred_username, email, name, roles. Configuration comes from the environment:
//   PORT, TENANT, CLIENTS (JSON list of clients), ACCOUNTS (JSON: id -> claims),
//   OIDC_PROVIDER_ENTRY (the package's lib/index.js)
import http from 'node:http';
import { pathToFileURL } from 'node:url';

// the package sits in the project's tool folder (see the Makefile), not next to this script
const { default: Provider } = await import(pathToFileURL(process.env.OIDC_PROVIDER_ENTRY).href);

const port = Number(process.env.PORT);
const tenant = process.env.TENANT || 'tenant-1';
const prefix = `/${tenant}/v2.0`;
const issuer = `http://127.0.0.1:${port}${prefix}`;
const accounts = JSON.parse(process.env.ACCOUNTS || '{}');

const provider = new Provider(issuer, {
  clients: JSON.parse(process.env.CLIENTS || '[]'),
  pkce: { required: () => true },
  claims: {
    openid: ['sub', 'oid', 'tid'],
    profile: ['name', 'preferred_username', 'roles'],
    email: ['email'],
  },
  conformIdTokenClaims: false, // put the profile claims in the id_token, as Entra does
  findAccount: async (ctx, id) => {
    const claims = accounts[id];
    if (!claims) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...claims }) };
  },
  ttl: { IdToken: 3600, AccessToken: 3600, AuthorizationCode: 600 },
});
provider.proxy = false;

const callback = provider.callback();
http
  .createServer((req, res) => {
    if (!req.url.startsWith(prefix)) {
      res.statusCode = 404;
      res.end('not found');
      return;
    }
    req.originalUrl = req.url;
    req.url = req.url.slice(prefix.length) || '/';
    callback(req, res);
  })
  .listen(port, '127.0.0.1', () => console.log(`ready ${issuer}`));
