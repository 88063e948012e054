/**
 * Inserts the code of a jupyter-automl model into a new cell below the cell whose
 * panel's "Insert code" button was clicked.
 *
 * The panel is made of standard ipywidgets. Its button carries the CSS class
 * INSERT_CLASS and its code sits in a hidden textarea with CODE_CLASS inside the
 * same panel, so this extension needs only the notebook tracker (public API). After
 * inserting, it opens a comm on the notebook's kernel so the panel can tell the user
 * which path was used.
 */
import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';

const PANEL_CLASS = 'jupyter-automl-panel';
const INSERT_CLASS = 'jupyter-automl-insert-code';
const CODE_CLASS = 'jupyter-automl-code-source';
const COMM_TARGET = 'jupyter_automl';

function findNotebook(
  tracker: INotebookTracker,
  target: Element
): NotebookPanel | null {
  let found: NotebookPanel | null = null;
  tracker.forEach(panel => {
    if (panel.node.contains(target)) {
      found = panel;
    }
  });
  return found;
}

function insertBelow(panel: NotebookPanel, target: Element, code: string): number {
  const notebook = panel.content;
  const index = notebook.widgets.findIndex(cell => cell.node.contains(target));
  if (index < 0 || !notebook.model) {
    return -1;
  }
  notebook.model.sharedModel.insertCell(index + 1, {
    cell_type: 'code',
    source: code
  });
  notebook.activeCellIndex = index + 1;
  return index + 1;
}

function notifyKernel(panel: NotebookPanel, panelId: string, cellIndex: number): void {
  const kernel = panel.sessionContext.session?.kernel;
  if (!kernel) {
    return;
  }
  try {
    const comm = kernel.createComm(COMM_TARGET);
    comm.open({ event: 'code_inserted', panel_id: panelId, cell_index: cellIndex });
    comm.close();
  } catch (error) {
    console.warn('jupyter-automl: could not tell the kernel that code was inserted', error);
  }
}

function onClick(tracker: INotebookTracker, event: MouseEvent): void {
  const target = event.target as Element | null;
  const button = target?.closest(`.${INSERT_CLASS}`);
  if (!button || (button as HTMLButtonElement).disabled) {
    return;
  }
  const root = button.closest(`.${PANEL_CLASS}`);
  const source = root?.querySelector<HTMLTextAreaElement>(`textarea.${CODE_CLASS}`);
  const notebook = findNotebook(tracker, button);
  if (!root || !source || !source.value || !notebook) {
    return;
  }
  const cellIndex = insertBelow(notebook, button, source.value);
  if (cellIndex >= 0) {
    notifyKernel(notebook, source.dataset.panelId ?? '', cellIndex);
  }
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyter-automl:insert-code',
  description: 'Inserts the code of a jupyter-automl model below its %automl cell.',
  autoStart: true,
  requires: [INotebookTracker],
  activate: (app: JupyterFrontEnd, tracker: INotebookTracker) => {
    document.addEventListener('click', event => onClick(tracker, event));
    document.body.dataset.jupyterAutomlExtension = 'loaded';
  }
};

export default plugin;
