/**
 * Shipping to head office (issue 19): the shipper in the background, and what Settings shows
 * of it. The collector's address is a setting; its credential a secret bound to that address
 * (like the AppSecret): it goes only there, over https or to this computer, and never to the
 * renderer, the log file or an export.
 */
import type { shippingOps } from '../../../shared/ops/shipping';
import { isSecureEndpoint, type Settings } from '../../../shared/settings';
import type { AuditLog } from '../../audit';
import type { EndpointSecrets } from '../account/secret-endpoints';
import type { AreaHandlers } from '../call-context';
import { createRecordReader } from './reader';
import { createShipper, type Shipper, type ShipperTimings } from './shipper';

export interface ShippingDeps {
  audit: Pick<AuditLog, 'db' | 'installId'>;
  settings: () => Settings;
  secrets: Pick<EndpointSecrets, 'valueFor'>;
  now?: () => number;
  timings?: Partial<ShipperTimings>;
}

export function createShipping(deps: ShippingDeps): Shipper {
  const installId = deps.audit.installId;
  if (!installId) throw new Error('the audit log has no install id');
  return createShipper({
    reader: createRecordReader(deps.audit.db),
    installId,
    target: () => {
      const url = deps.settings().central.url;
      if (!url || !isSecureEndpoint(url)) return undefined;
      const credential = deps.secrets.valueFor('centralCredential', url);
      return credential ? { url, credential } : undefined;
    },
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.timings ? { timings: deps.timings } : {}),
  });
}

export function createShippingHandlers(deps: {
  shipper: Shipper;
}): AreaHandlers<typeof shippingOps> {
  return {
    async getShippingStatus() {
      return deps.shipper.status();
    },
  };
}
