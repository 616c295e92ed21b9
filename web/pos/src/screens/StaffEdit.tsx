import { useState, type FormEvent } from 'react';
import { policyNames, type PolicyName } from '../../../../src/kernel/policies.ts';
import { api } from '../api.ts';
import { ErrorBanner, Modal, useAction } from '../components.tsx';
import { useI18n, type Translate } from '../i18n.tsx';
import type { Group, StaffAccount, StoreSummary } from '../types.ts';

/** A permission in the UI language (the dictionary has one word per policy; the type checks it). */
export const policyLabel = (p: PolicyName, t: Translate) => t(`policy.${p}`);

/**
 * Change a staff account (name, staff code, group, stores), lock it out or let it back in, and
 * show the signed text of its staff barcode. Each save is one PATCH of what the form holds.
 */
export function StaffEditDialog(props: {
  account: StaffAccount;
  groups: Group[];
  stores: StoreSummary[];
  onSaved: (a: StaffAccount, message: string) => void;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const a = props.account;
  const { busy, error, run } = useAction();
  const [displayName, setDisplayName] = useState(a.displayName);
  const [employeeCode, setEmployeeCode] = useState(a.employeeCode ?? '');
  const [groupId, setGroupId] = useState(String(a.groupId));
  const [storeIds, setStoreIds] = useState<number[]>(a.storeIds);
  const [barcode, setBarcode] = useState<string | null>(null);
  const url = `/api/v1/admin/staff/${a.id}`;

  const save = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const body: Record<string, unknown> = {
        displayName,
        employeeCode: employeeCode.trim() || null,
        storeIds,
      };
      // The server refuses any group change of one's own account: send it only when it changes.
      if (Number(groupId) !== a.groupId) body.groupId = Number(groupId);
      const saved = await api<StaffAccount>(url, { method: 'PATCH', body });
      props.onSaved(saved, t('staffSaved', { name: saved.displayName }));
    });
  };
  const setDisabled = (disabled: boolean) =>
    void run(async () => {
      const saved = await api<StaffAccount>(url, { method: 'PATCH', body: { disabled } });
      props.onSaved(saved, t(disabled ? 'staffDisabled' : 'staffEnabled', { name: saved.displayName }));
    });
  const showBarcode = () =>
    void run(async () => setBarcode((await api<{ barcode: string }>(`${url}/barcode`)).barcode));

  return (
    <Modal title={`${t('editStaff')}: ${a.displayName}`} onClose={props.onClose} wide>
      <form className="stack" onSubmit={save} data-testid="staff-edit">
        <ErrorBanner error={error} />
        <p>
          {a.email} —{' '}
          <span data-testid="staff-state">{t(a.disabled ? 'accountDisabled' : 'accountActive')}</span>
        </p>
        <label>
          {t('staffName')}
          <input
            name="displayName"
            value={displayName}
            onChange={(e) => setDisplayName(e.target.value)}
            required
          />
        </label>
        <label>
          {t('staffCode')}
          <input name="employeeCode" value={employeeCode} onChange={(e) => setEmployeeCode(e.target.value)} />
        </label>
        <label>
          {t('group')}
          <select name="groupId" value={groupId} onChange={(e) => setGroupId(e.target.value)}>
            {props.groups.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
        </label>
        <fieldset>
          <legend>{t('store')}</legend>
          {props.stores.map((s) => (
            <label key={s.id} className="check">
              <input
                type="checkbox"
                name={`edit-store-${s.id}`}
                checked={storeIds.includes(s.id)}
                onChange={(e) =>
                  setStoreIds((ids) => (e.target.checked ? [...ids, s.id] : ids.filter((x) => x !== s.id)))
                }
              />
              {s.name}
            </label>
          ))}
        </fieldset>
        {barcode !== null && (
          <div className="card" data-testid="staff-barcode">
            <p>{t('staffBarcodeHint')}</p>
            <code className="barcode-text">{barcode}</code>
          </div>
        )}
        <div className="actions">
          <button type="button" disabled={busy} onClick={showBarcode} data-testid="staff-show-barcode">
            {t('staffBarcode')}
          </button>
          {barcode !== null && (
            <button type="button" onClick={() => window.print()}>
              {t('print')}
            </button>
          )}
          {a.disabled ? (
            <button
              type="button"
              disabled={busy}
              onClick={() => setDisabled(false)}
              data-testid="staff-enable"
            >
              {t('enableStaff')}
            </button>
          ) : (
            <button
              type="button"
              className="danger"
              disabled={busy}
              onClick={() => setDisabled(true)}
              data-testid="staff-disable"
            >
              {t('disableStaff')}
            </button>
          )}
          <button type="button" onClick={props.onClose}>
            {t('close')}
          </button>
          <button type="submit" className="primary" disabled={busy} data-testid="staff-save">
            {t('save')}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/**
 * A new permission group, or an own group's name and permissions: a checkbox per policy, in the UI
 * language. The server refuses a permission the signed-in account does not hold itself
 * (`policy_escalation`), and the dialog says which.
 */
export function GroupEditDialog(props: {
  group: Group | null;
  onSaved: (g: Group, message: string) => void;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const { busy, error, run } = useAction();
  const [name, setName] = useState(props.group?.name ?? '');
  const [policies, setPolicies] = useState<PolicyName[]>(props.group?.policies ?? []);

  const save = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const body = { name, policies: policyNames.filter((p) => policies.includes(p)) };
      const saved = props.group
        ? await api<Group>(`/api/v1/admin/groups/${props.group.id}`, { method: 'PATCH', body })
        : await api<Group>('/api/v1/admin/groups', { method: 'POST', body });
      props.onSaved(saved, t('groupSaved', { name: saved.name }));
    });
  };

  return (
    <Modal
      title={props.group ? `${t('editGroup')}: ${props.group.name}` : t('newGroup')}
      onClose={props.onClose}
      wide
    >
      <form className="stack" onSubmit={save} data-testid="group-edit">
        <ErrorBanner error={error} />
        <label>
          {t('groupName')}
          <input name="groupName" value={name} onChange={(e) => setName(e.target.value)} required />
        </label>
        <fieldset className="policy-grid">
          <legend>{t('permissions')}</legend>
          {policyNames.map((p) => (
            <label key={p} className="check" title={p}>
              <input
                type="checkbox"
                name={`policy-${p}`}
                checked={policies.includes(p)}
                onChange={(e) =>
                  setPolicies((ps) => (e.target.checked ? [...ps, p] : ps.filter((x) => x !== p)))
                }
              />
              {policyLabel(p, t)}
            </label>
          ))}
        </fieldset>
        <div className="actions">
          <button type="button" onClick={props.onClose}>
            {t('close')}
          </button>
          <button type="submit" className="primary" disabled={busy} data-testid="group-save">
            {t('save')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
